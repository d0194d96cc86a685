export * from './auth.module';
export { SocketAuth, handshakeToken, userRoom } from './sockets/socket-auth.service';
export { AccessTokens, AuthFailure, AUTH_MESSAGES } from './sessions/access-tokens.service';
export { checkPassword, PASSWORD_MIN_LENGTH } from './policy/password-policy';
export { WsAuthGuard } from './guards/ws-auth.guard';
