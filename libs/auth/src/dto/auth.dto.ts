import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES, type Role } from '@idm/contracts';
import type { ChangePasswordRequest, CreateUserRequest, LoginRequest, LogoutRequest, RefreshRequest, RegisterRequest, ResetPasswordRequest, UpdateRolesRequest } from '@idm/contracts';

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
