import { checkPassword } from './password-policy';

describe('checkPassword', () => {
  const who = { username: 'alice.m', email: 'Alice@Plant.example' };

  it('accepts a long uncommon password', () => {
    expect(checkPassword('pump-3 hums at dawn', who)).toBeNull();
    expect(checkPassword('correct horse battery staple', who)).toBeNull();
  });

  it('refuses fewer than 10 characters, counting code points', () => {
    expect(checkPassword('short-pw1', who)?.rule).toBe('minLength');
    expect(checkPassword('short-pw1', who)?.message).toBe('password must be at least 10 characters long');
    expect(checkPassword('🔥🔥🔥🔥🔥🔥🔥🔥🔥', who)?.rule).toBe('minLength');
  });

  it('refuses very long passwords', () => {
    expect(checkPassword('x'.repeat(255) + 'yz', who)?.rule).toBe('maxLength');
  });

  it('refuses the username or e-mail, ignoring case', () => {
    const longName = { username: 'operator.shift2', email: 'op2@plant.example' };
    expect(checkPassword('OPERATOR.SHIFT2', longName)?.rule).toBe('notUsername');
    expect(checkPassword('alice@plant.example', who)?.rule).toBe('notUsername');
  });

  it('refuses listed passwords and listed words dressed with digits or symbols', () => {
    expect(checkPassword('1234567890', who)?.rule).toBe('notCommon');
    expect(checkPassword('QwertyUiop', who)?.rule).toBe('notCommon');
    expect(checkPassword('Password2025!', who)?.rule).toBe('notCommon');
    expect(checkPassword('Welcome12345', who)?.rule).toBe('notCommon');
    expect(checkPassword('zzzzzzzzzzzz', who)?.rule).toBe('notCommon');
  });

  it('does not refuse a common word inside a longer phrase', () => {
    expect(checkPassword('password of the boiler room', who)).toBeNull();
  });
});
