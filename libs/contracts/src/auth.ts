import { ROLES, type Role } from './roles';

/** A user as every endpoint returns it (never with a password or its hash). */
export interface UserDto {
  id: string;
  username: string;
  email: string;
  roles: Role[];
  disabled: boolean;
  /** ISO-8601 */
  created_at: string;
  /** ISO-8601, null before the first login. */
  last_login_at: string | null;
  /** How the client shows dates and times to this user: null = ISO-like 24 h (`2026-12-07 08:15:30`). */
  locale: string | null;
  /** IANA time zone the client shows times in; null = the browser's. */
  time_zone: string | null;
}

/** `PATCH /auth/me`: the signed-in user's own display settings (a field left out stays as it is; null resets it). */
export interface UpdateMeRequest {
  /** A BCP 47 language tag such as `en-US` or `de-DE`: dates and times in that locale's format; null = ISO-like 24 h. */
  locale?: string | null;
  /** An IANA time zone such as `Europe/Berlin`; null = the browser's. */
  time_zone?: string | null;
}

/** `POST /auth/register` (public while `AUTH_REGISTRATION=open`); answers 201 with a `UserDto`. */
export interface RegisterRequest {
  /** 3–32 characters: letters, digits, `.`, `_`, `-`; unique ignoring case. */
  username: string;
  /** Unique ignoring case. */
  email: string;
  /** At least 10 characters, not the username or e-mail, not a common password. */
  password: string;
}

/** `POST /auth/login`: `username` may also be the e-mail address. */
export interface LoginRequest {
  username: string;
  password: string;
}

/** Answer of `POST /auth/login` and `POST /auth/refresh`. */
export interface TokenResponse {
  /** Short-lived JWT: send as `Authorization: Bearer <token>` and as the Socket.IO `auth.token`. */
  access_token: string;
  /** Opaque, single use: `POST /auth/refresh` swaps it for a new pair. Reusing an old one ends the session. */
  refresh_token: string;
  token_type: 'Bearer';
  /** Seconds until the access token expires. */
  expires_in: number;
  /** Seconds until the refresh token expires. */
  refresh_expires_in: number;
  user: Pick<UserDto, 'id' | 'username' | 'email' | 'roles'>;
}

/** `POST /auth/refresh` */
export interface RefreshRequest {
  refresh_token: string;
}

/**
 * `POST /auth/logout` (authenticated): ends the session of `refresh_token`, else the session of the access token
 * used; `all: true` ends every session and access token of the user.
 */
export interface LogoutRequest {
  refresh_token?: string;
  all?: boolean;
}

/** `POST /auth/password` (authenticated): answers 204; every session of the user ends, so log in again. */
/** An admin sets another user's password (`POST /users/:id/password`). */
export interface ResetPasswordRequest {
  /** The password policy of `RegisterRequest.password` applies. */
  new_password: string;
}

export interface ChangePasswordRequest {
  current_password: string;
  /** The password policy of `RegisterRequest.password` applies. */
  new_password: string;
}

/** `POST /users` (admin): adds a user with roles, also when self-registration is closed. */
export interface CreateUserRequest extends RegisterRequest {
  roles: Role[];
}

/** `PATCH /users/:id/roles` (admin). */
export interface UpdateRolesRequest {
  roles: Role[];
}

/** Socket.IO: the server emits `session` to each client right after an authenticated connection. */
export interface SessionEvent {
  user: { id: string; username: string; roles: Role[] };
}

/** Rank of a role: 0 for admin (most privileged) up to 3 for viewer. */
function rankOf(role: Role): number {
  const i = ROLES.indexOf(role);
  return i < 0 ? Number.POSITIVE_INFINITY : i;
}

/**
 * Whether a user holding `userRoles` may do what `required` allows. Roles are hierarchical
 * (admin > supervisor > operator > viewer), so the least privileged role listed is the minimum:
 * `['operator']` admits operators, supervisors and admins. An empty `required` admits any user.
 */
export function satisfiesRoles(userRoles: readonly Role[], required: readonly Role[]): boolean {
  if (!required.length) return true;
  const minimum = Math.max(...required.map(rankOf));
  const best = Math.min(...userRoles.map(rankOf));
  return best <= minimum;
}

/** The most privileged of a user's roles (`viewer` when none), e.g. for display. */
export function highestRole(userRoles: readonly Role[]): Role {
  const best = Math.min(...userRoles.map(rankOf), ROLES.length - 1);
  return ROLES[best];
}
