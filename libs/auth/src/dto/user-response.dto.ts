import { ApiProperty } from '@nestjs/swagger';
import { ROLES, type Role, type TokenResponse, type UserDto } from '@idm/contracts';

/** OpenAPI shape of `UserDto` (the wire type lives in @idm/contracts). */
export class UserResponse implements UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty() disabled!: boolean;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) last_login_at!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'BCP 47 tag the client formats dates and times with; null = ISO-like 24 h' }) locale!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "IANA time zone the client shows times in; null = the browser's" }) time_zone!: string | null;
}

class TokenUser {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
}

/** OpenAPI shape of `TokenResponse`. */
export class TokenResponseDto implements TokenResponse {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer` and the Socket.IO handshake `auth.token`' }) access_token!: string;
  @ApiProperty({ description: 'opaque, single use' }) refresh_token!: string;
  @ApiProperty({ enum: ['Bearer'] }) token_type!: 'Bearer';
  @ApiProperty({ description: 'seconds' }) expires_in!: number;
  @ApiProperty({ description: 'seconds' }) refresh_expires_in!: number;
  @ApiProperty({ type: TokenUser }) user!: TokenUser;
}
