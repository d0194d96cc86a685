import { Body, Controller, Get, Headers, HttpCode, HttpException, HttpStatus, Ip, Patch, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentUser, Public } from '@idm/core';
import type { AuthUser } from '@idm/core';
import type { TokenResponse, UserDto } from '@idm/contracts';
import { AuthService, LoginThrottledError } from './auth.service';
import { ChangePasswordDto, LoginDto, LogoutDto, RefreshDto, RegisterDto, UpdateMeDto } from './dto/auth.dto';
import { TokenResponseDto, UserResponse } from './dto/user-response.dto';
import { AccessTokens } from './sessions/access-tokens.service';
import { UsersService } from './users/users.service';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
    private readonly tokens: AccessTokens,
  ) {}

  @Public()
  @Post('register')
  @ApiOperation({ summary: 'Create an account: the first one becomes admin, later ones viewers (while AUTH_REGISTRATION=open)' })
  @ApiCreatedResponse({ type: UserResponse })
  @ApiConflictResponse({ description: 'username or e-mail already taken (ignoring case)' })
  @ApiForbiddenResponse({ description: 'self-registration is closed' })
  register(@Body() body: RegisterDto): Promise<UserDto> {
    return this.users.register(body);
  }

  @Public()
  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Log in with username (or e-mail) and password: an access JWT and a refresh token' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'invalid username or password (the same answer for both), or the account is disabled' })
  @ApiTooManyRequestsResponse({ description: 'too many failed logins for this username or address; see Retry-After' })
  async login(@Body() body: LoginDto, @Ip() ip: string, @Res({ passthrough: true }) res: Response): Promise<TokenResponse> {
    try {
      return await this.auth.login(body.username, body.password, ip);
    } catch (err) {
      if (!(err instanceof LoginThrottledError)) throw err;
      res.setHeader('Retry-After', String(err.retryAfterSeconds));
      throw new HttpException({ message: err.message }, HttpStatus.TOO_MANY_REQUESTS);
    }
  }

  @Public()
  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Swap a refresh token for a new pair (rotation); reusing an old one ends the session' })
  @ApiOkResponse({ type: TokenResponseDto })
  @ApiUnauthorizedResponse({ description: 'unknown, expired, revoked or already used refresh token' })
  refresh(@Body() body: RefreshDto): Promise<TokenResponse> {
    return this.auth.refresh(body.refresh_token);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End a session: the one of `refresh_token`, else the one of this access token; `all: true` ends every session and access token of the user' })
  @ApiNoContentResponse({ description: 'done (also when the session had already ended)' })
  async logout(@CurrentUser() user: AuthUser, @Body() body: LogoutDto, @Headers('authorization') authorization: string): Promise<void> {
    // The guard has verified this token; only its session id is read here.
    const sessionId = this.tokens.sessionOf(authorization.replace(/^Bearer\s+/i, ''));
    await this.auth.logout(user.id, body, sessionId);
  }

  @Post('password')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Change your password; every session of yours ends, so log in again' })
  @ApiNoContentResponse({ description: 'changed' })
  @ApiBadRequestResponse({ description: 'current_password is wrong, or new_password breaks the password policy' })
  async changePassword(@CurrentUser() user: AuthUser, @Body() body: ChangePasswordDto): Promise<void> {
    await this.users.changePassword(user.id, body.current_password, body.new_password);
  }

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserResponse })
  me(@CurrentUser() user: AuthUser): Promise<UserDto> {
    return this.auth.me(user.id);
  }

  @Patch('me')
  @ApiOperation({ summary: 'Your own display settings: locale (date-time format) and time zone; a field left out stays, null resets it' })
  @ApiOkResponse({ type: UserResponse })
  @ApiBadRequestResponse({ description: 'locale is not a language tag, or time_zone not an IANA time zone (the answer names the field)' })
  updateMe(@CurrentUser() user: AuthUser, @Body() body: UpdateMeDto): Promise<UserDto> {
    return this.users.updateOwnSettings(user.id, body);
  }
}
