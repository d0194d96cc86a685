import { COMMON_PASSWORDS, COMMON_STEMS } from './common-passwords';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

export interface PasswordProblem {
  /** The rule that failed, as in IDM's error `details[].rule`. */
  rule: 'minLength' | 'maxLength' | 'notUsername' | 'notCommon';
  message: string;
}

/**
 * IDM's password policy (NIST 800-63B style: length and a block list, no composition rules):
 * at least 10 characters, not the username or e-mail, not a well-known password such as "Password2025!".
 * Returns the first problem, or null when the password is acceptable.
 */
export function checkPassword(password: string, identity: { username?: string; email?: string }): PasswordProblem | null {
  // Count code points, not UTF-16 units, so an emoji counts once.
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) {
    return { rule: 'minLength', message: `password must be at least ${PASSWORD_MIN_LENGTH} characters long` };
  }
  if (length > PASSWORD_MAX_LENGTH) {
    return { rule: 'maxLength', message: `password must be at most ${PASSWORD_MAX_LENGTH} characters long` };
  }
  const lower = password.toLowerCase();
  const username = identity.username?.toLowerCase();
  const email = identity.email?.toLowerCase();
  if ((username && lower === username) || (email && (lower === email || lower === email.split('@')[0]))) {
    return { rule: 'notUsername', message: 'password must not be the username or e-mail address' };
  }
  if (isCommon(lower)) {
    return { rule: 'notCommon', message: 'password is too common (it appears in lists of leaked passwords); choose another' };
  }
  return null;
}

function isCommon(lower: string): boolean {
  if (COMMON_PASSWORDS.has(lower)) return true;
  // "Password2025!", "qwerty123456!!": a listed word dressed up with digits and symbols.
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (COMMON_STEMS.has(stem)) return true;
  // One character repeated, or only digits in sequence, is guessable whatever its length.
  if (/^(.)\1+$/u.test(lower)) return true;
  return false;
}
