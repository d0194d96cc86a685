import { BadRequestException, ConflictException, ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { AppConfig, DomainEvents } from '@idm/core';
import type { AuthUser } from '@idm/core';
import type { Role, UpdateMeRequest, UserDto } from '@idm/contracts';
import { hashPassword, verifyPassword } from '../policy/password-hashing';
import { checkPassword } from '../policy/password-policy';
import { SessionsService } from '../sessions/sessions.service';
import { DuplicateUserError, UserRecord, UsersRepository } from './users.repository';

const FIRST_ADMIN_CLAIM = 'first_admin';

export function toUserDto(u: UserRecord): UserDto {
  return {
    id: String(u._id),
    username: u.username,
    email: u.email,
    roles: u.roles,
    disabled: u.disabled,
    created_at: u.created_at.toISOString(),
    last_login_at: u.last_login_at ? u.last_login_at.toISOString() : null,
    // Users stored before these settings existed have neither: the defaults.
    locale: u.locale ?? null,
    time_zone: u.time_zone ?? null,
  };
}

/** User accounts: registration, the admin's user management, and the last-admin safeguards. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsService,
    private readonly events: DomainEvents,
    private readonly config: AppConfig,
  ) {}

  /**
   * Self-registration: the very first user becomes admin (also with AUTH_REGISTRATION=closed, or a fresh
   * install could never be used); later ones become viewers, and only while registration is open.
   */
  async register(input: { username: string; email: string; password: string }): Promise<UserDto> {
    this.assertPassword(input);
    const first = (await this.users.count()) === 0 && (await this.users.claimOnce(FIRST_ADMIN_CLAIM));
    if (!first && this.config.authRegistration === 'closed') {
      throw new ForbiddenException({ message: 'self-registration is closed (AUTH_REGISTRATION=closed): ask an admin to add you' });
    }
    try {
      return await this.insert(input, first ? ['admin'] : ['viewer']);
    } catch (err) {
      if (first) await this.users.releaseClaim(FIRST_ADMIN_CLAIM);
      throw err;
    }
  }

  /** An admin adds a user with chosen roles (works whatever AUTH_REGISTRATION says). */
  async create(input: { username: string; email: string; password: string; roles: Role[] }): Promise<UserDto> {
    this.assertPassword(input);
    return this.insert(input, input.roles);
  }

  /** The user's own display settings; fields not given stay as they are. */
  async updateOwnSettings(id: string, input: UpdateMeRequest): Promise<UserDto> {
    const set: { locale?: string | null; time_zone?: string | null } = {};
    if (input.locale !== undefined) set.locale = input.locale;
    if (input.time_zone !== undefined) set.time_zone = input.time_zone;
    const updated = await this.users.update((await this.load(id))._id, set);
    if (!updated) throw this.notFound(id);
    return toUserDto(updated);
  }

  async list(): Promise<UserDto[]> {
    return (await this.users.list()).map(toUserDto);
  }

  async get(id: string): Promise<UserDto> {
    return toUserDto(await this.load(id));
  }

  async setRoles(actor: AuthUser, id: string, roles: Role[]): Promise<UserDto> {
    const user = await this.load(id);
    if (this.isActiveAdmin(user) && !roles.includes('admin')) await this.assertNotLastAdmin(actor, user, 'remove the admin role from');
    const updated = await this.users.update(user._id, { roles });
    if (!updated) throw this.notFound(id);
    this.events.emit('user.roles_changed', { user_id: id, username: user.username, roles, by: actor.username, at: Date.now() });
    return toUserDto(updated);
  }

  async setDisabled(actor: AuthUser, id: string, disabled: boolean): Promise<UserDto> {
    const user = await this.load(id);
    if (disabled && String(user._id) === actor.id) {
      throw new ConflictException({ message: 'you cannot disable your own account: ask another admin' });
    }
    if (disabled && this.isActiveAdmin(user)) await this.assertNotLastAdmin(actor, user, 'disable');
    // Bumping token_version ends the user's access tokens at once; refresh tokens are revoked too.
    const updated = await this.users.update(user._id, { disabled }, disabled);
    if (!updated) throw this.notFound(id);
    if (disabled) {
      await this.sessions.endAll(id, 'disabled');
      this.events.emit('user.disabled', { user_id: id, username: user.username, by: actor.username, at: Date.now() });
    }
    return toUserDto(updated);
  }

  /**
   * A user changes their own password. Every session and access token ends (a stolen one must not
   * survive the change), so the client logs in again with the new password.
   */
  async changePassword(userId: string, current: string, next: string): Promise<void> {
    const user = await this.load(userId);
    if (!(await verifyPassword(user.password, current))) {
      // 400, not 401: a client would take 401 for an expired access token and refresh it.
      const message = 'current_password is not the current password';
      throw new BadRequestException({ message, details: [{ field: 'current_password', rule: 'matches', message }] });
    }
    this.assertNewPassword(next, user);
    if (await verifyPassword(user.password, next)) {
      const message = 'new_password must differ from the current password';
      throw new BadRequestException({ message, details: [{ field: 'new_password', rule: 'notCurrent', message }] });
    }
    await this.users.update(user._id, { password: await hashPassword(next) }, true);
    await this.sessions.endAll(userId, 'password_changed');
  }

  /**
   * An admin sets a user's password (forgotten, or handed over): the same policy as any password; every
   * session and access token of that user ends, so only the new password signs in.
   */
  async resetPassword(actor: AuthUser, id: string, next: string): Promise<UserDto> {
    const user = await this.load(id);
    this.assertNewPassword(next, user);
    const updated = await this.users.update(user._id, { password: await hashPassword(next) }, true);
    if (!updated) throw this.notFound(id);
    await this.sessions.endAll(id, `password_reset_by:${actor.username}`);
    return toUserDto(updated);
  }

  private async insert(input: { username: string; email: string; password: string }, roles: Role[]): Promise<UserDto> {
    const usernameLower = input.username.toLowerCase();
    const emailLower = input.email.toLowerCase();
    // A friendly pre-check; the unique indexes (11000) are what really guarantees it under races.
    if (await this.users.exists('username_lower', usernameLower)) throw this.duplicate('username', input.username);
    if (await this.users.exists('email_lower', emailLower)) throw this.duplicate('email', input.email);
    const password = await hashPassword(input.password);
    try {
      const user = await this.users.insert({
        username: input.username,
        username_lower: usernameLower,
        email: input.email,
        email_lower: emailLower,
        password,
        roles,
        created_at: new Date(),
      });
      return toUserDto(user);
    } catch (err) {
      if (err instanceof DuplicateUserError) throw this.duplicate(err.field, input[err.field]);
      throw err;
    }
  }

  /** The password policy for a `new_password` field (a user's own change or an admin's reset). */
  private assertNewPassword(next: string, user: UserRecord): void {
    const problem = checkPassword(next, user);
    if (problem) {
      const message = problem.message.replace(/^password/, 'new_password');
      throw new BadRequestException({ message, details: [{ field: 'new_password', rule: problem.rule, message }] });
    }
  }

  private assertPassword(input: { username: string; email: string; password: string }): void {
    const problem = checkPassword(input.password, input);
    if (problem) throw new BadRequestException({ message: problem.message, details: [{ field: 'password', ...problem }] });
  }

  private async assertNotLastAdmin(actor: AuthUser, user: UserRecord, action: string): Promise<void> {
    if ((await this.users.countActiveAdmins()) <= 1) {
      const whom = String(user._id) === actor.id ? 'yourself' : user.username;
      throw new ConflictException({ message: `cannot ${action} ${whom}: IDM needs at least one active admin` });
    }
  }

  private isActiveAdmin(user: UserRecord): boolean {
    return !user.disabled && user.roles.includes('admin');
  }

  private async load(id: string): Promise<UserRecord> {
    const user = await this.users.findById(id);
    if (!user) throw this.notFound(id);
    return user;
  }

  private notFound(id: string): NotFoundException {
    return new NotFoundException({ message: `user ${id} not found` });
  }

  private duplicate(field: 'username' | 'email', value: string): ConflictException {
    const message = `${field} "${value}" is already taken (compared ignoring case)`;
    return new ConflictException({ message, details: [{ field, rule: 'unique', message }] });
  }
}
