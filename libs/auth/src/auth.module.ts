import { Global, Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { MongooseModule } from '@nestjs/mongoose';
import { PassportModule } from '@nestjs/passport';
import { AppConfig, PlantWriteGuard } from '@idm/core';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { AuthGuard } from './guards/auth.guard';
import { JwtStrategy } from './guards/jwt.strategy';
import { AccessTokens } from './sessions/access-tokens.service';
import { UserLookup } from './sessions/user-lookup.service';
import { LOGIN_THROTTLE_LIMITS, LoginThrottle, ThrottleLimits } from './sessions/login-throttle.service';
import { EndedSession, EndedSessionSchema } from './sessions/ended-session.schema';
import { EndedSessions } from './sessions/ended-sessions.service';
import { EndedSessionsRepository } from './sessions/ended-sessions.repository';
import { RefreshToken, RefreshTokenSchema } from './sessions/refresh-token.schema';
import { RefreshTokensRepository } from './sessions/refresh-tokens.repository';
import { SessionsService } from './sessions/sessions.service';
import { SessionGateway } from './sockets/session.gateway';
import { SocketAuth } from './sockets/socket-auth.service';
import { WsGuardInstaller } from './sockets/ws-guard-installer';
import { AuthClaim, AuthClaimSchema, User, UserSchema } from './users/user.schema';
import { UsersController } from './users/users.controller';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';

/**
 * Users, JWT sessions and the global guard. Global so every gateway can inject `SocketAuth` without
 * importing this module (the guard itself is an APP_GUARD and needs no import at all).
 */
@Global()
@Module({
  imports: [
    DiscoveryModule,
    PassportModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        secret: config.jwt.secret,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    MongooseModule.forFeature([
      { name: User.name, schema: UserSchema },
      { name: AuthClaim.name, schema: AuthClaimSchema },
      { name: RefreshToken.name, schema: RefreshTokenSchema },
      { name: EndedSession.name, schema: EndedSessionSchema },
    ]),
  ],
  controllers: [AuthController, UsersController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    // After AuthGuard (global guards run in registration order): who is asking is answered first (401/403),
    // then whether this instance takes plant writes at all (409 on a screens-only one).
    { provide: APP_GUARD, useClass: PlantWriteGuard },
    {
      provide: LOGIN_THROTTLE_LIMITS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ThrottleLimits => ({
        perUser: config.authLoginThrottle.maxAttempts,
        perIp: config.authLoginThrottle.maxAttemptsPerIp,
        windowSeconds: config.authLoginThrottle.windowSeconds,
        // Per database, so test suites (and IDM instances sharing a Redis) keep separate counters.
        prefix: `idm:${new URL(config.mongoUri).pathname.slice(1) || 'idm'}:login:`,
      }),
    },
    JwtStrategy,
    AccessTokens,
    EndedSessions,
    EndedSessionsRepository,
    UserLookup,
    AuthService,
    LoginThrottle,
    RefreshTokensRepository,
    SessionsService,
    SocketAuth,
    SessionGateway,
    WsGuardInstaller,
    UsersRepository,
    UsersService,
  ],
  exports: [SocketAuth, AccessTokens],
})
export class AuthModule {}
