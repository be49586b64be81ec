import { Logger } from '@nestjs/common';
import type { ExtendedError, Socket } from 'socket.io';
import type { AccessTokenVerifier } from '#monay/identity';
import { DomainError, ErrorCode } from '#monay/kernel';
import { isDatabaseUnavailable } from '#monay/shared';
import type { ClientToServerEvents, ServerToClientEvents, SocketData } from './realtime-events';

type HandshakeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

const logger = new Logger('RealtimeAuth');

/**
 * Namespace middleware: the handshake's `auth.token` is verified before the connection is accepted, exactly as
 * an HTTP bearer token (signature, issuer, audience, expiry, live session). A refusal reaches the client as
 * `connect_error` whose `message` is our error code and whose `data` is `{ code, message }`.
 */
export function authenticateHandshake(tokens: AccessTokenVerifier) {
  return (socket: HandshakeSocket, next: (error?: ExtendedError) => void): void => {
    const { token } = socket.handshake.auth as { token?: unknown };
    tokens.verify(typeof token === 'string' ? token : '').then(
      (verified) => {
        socket.data.userId = verified.userId;
        socket.data.sessionId = verified.sessionId;
        socket.data.expiresAt = verified.expiresAt;
        next();
      },
      (error: unknown) => next(handshakeRefusal(error)),
    );
  };
}

function handshakeRefusal(error: unknown): ExtendedError {
  let body: { code: string; message: string };
  if (error instanceof DomainError) {
    body = { code: error.code, message: error.message };
  } else if (isDatabaseUnavailable(error)) {
    body = {
      code: ErrorCode.SERVICE_UNAVAILABLE,
      message: 'The service is temporarily unavailable, retry shortly',
    };
  } else {
    logger.error({ err: error }, 'Handshake verification failed');
    body = { code: ErrorCode.INTERNAL_ERROR, message: 'Something went wrong on our side' };
  }
  const refusal: ExtendedError = new Error(body.code);
  refusal.data = body;
  return refusal;
}
