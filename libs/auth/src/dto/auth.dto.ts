import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy, type ValidationOptions } from 'class-validator';
import { ROLES, type Role } from '@idm/contracts';
import type { ChangePasswordRequest, CreateUserRequest, LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, ResetPasswordRequest, UpdateMeRequest, UpdateRolesRequest } from '@idm/contracts';

export const USERNAME_PATTERN = /^[A-Za-z0-9._-]{3,32}$/;

export class RegisterDto implements RegisterRequest {
  @ApiProperty({ example: 'j.smith', description: '3–32 letters, digits, `.`, `_` or `-`; unique ignoring case' })
  @IsString()
  @Matches(USERNAME_PATTERN, { message: 'username must be 3–32 characters of letters, digits, ".", "_" or "-"' })
  username!: string;

  @ApiProperty({ example: 'j.smith@plant.example', description: 'unique ignoring case' })
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  email!: string;

  @ApiProperty({ example: 'pump-3 hums at dawn', description: 'at least 10 characters, not the username or e-mail, not a common password' })
  @IsString()
  // The policy (length, common passwords) runs in the service so each rule gets its own clear message.
  @MaxLength(1024)
  password!: string;
}

export class CreateUserDto extends RegisterDto implements CreateUserRequest {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['operator'] })
  @IsArray({ message: 'roles must be an array of roles' })
  @ArrayMinSize(1, { message: 'roles must list at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each of roles must be one of ${ROLES.join(', ')}` })
  roles!: Role[];
}

export class UpdateRolesDto implements UpdateRolesRequest {
  @ApiProperty({ enum: ROLES, isArray: true, example: ['supervisor'] })
  @IsArray({ message: 'roles must be an array of roles' })
  @ArrayMinSize(1, { message: 'roles must list at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique()
  @IsIn(ROLES, { each: true, message: `each of roles must be one of ${ROLES.join(', ')}` })
  roles!: Role[];
}

export class LoginDto implements LoginRequest {
  @ApiProperty({ example: 'j.smith', description: 'username or e-mail address' })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  username!: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto implements RefreshRequest {
  @ApiProperty({ description: 'the refresh token of the last login or refresh' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  refresh_token!: string;
}

export class LogoutDto implements LogoutRequest {
  @ApiPropertyOptional({ description: 'ends this session (its refresh token stops working)' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  refresh_token?: string;

  @ApiPropertyOptional({ description: 'ends every session of the user, on every device, including open access tokens' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}

export class ChangePasswordDto implements ChangePasswordRequest {
  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(1024)
  current_password!: string;

  @ApiProperty({ description: 'at least 10 characters, not the username or e-mail, not a common password' })
  @IsString()
  @MaxLength(1024)
  new_password!: string;
}

export class ResetPasswordDto implements ResetPasswordRequest {
  @ApiProperty({ description: 'at least 10 characters, not the username or e-mail, not a common password' })
  @IsString({ message: 'new_password must be a string' })
  @MaxLength(1024)
  new_password!: string;
}

/** A language tag the browser's Intl (and Node's) can format dates with: a tag Intl rejects would break every screen. */
function isDateLocale(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 35) return false;
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([v]).length === 1;
  } catch {
    return false;
  }
}

/** An IANA time zone Intl knows (`Europe/Berlin`, `UTC`). */
function isTimeZone(v: unknown): boolean {
  if (typeof v !== 'string' || v.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
    return true;
  } catch {
    return false;
  }
}

const check = (name: string, test: (v: unknown) => boolean, message: string, options?: ValidationOptions) =>
  ValidateBy({ name, validator: { validate: (v) => v === null || test(v), defaultMessage: () => message } }, options);

export class UpdateMeDto implements UpdateMeRequest {
  @ApiPropertyOptional({ type: String, nullable: true, example: 'en-US', description: 'BCP 47 language tag: dates and times in its format; null = ISO-like 24 h (2026-12-07 08:15:30)' })
  @IsOptional()
  @check('isDateLocale', isDateLocale, 'locale must be a language tag such as en-GB, en-US or de-DE (or null for ISO-like 24 h)')
  locale?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, example: 'Europe/Berlin', description: 'IANA time zone; null = the browser\'s' })
  @IsOptional()
  @check('isTimeZone', isTimeZone, 'time_zone must be an IANA time zone such as Europe/Berlin or UTC (or null for the browser\'s)')
  time_zone?: string | null;
}
