import { Logger } from '@nestjs/common';
import {
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  WebSocketGateway,
} from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { AccessTokenVerifier } from '#monay/identity';
import type {
  ClientToServerEvents,
  RealtimeMessage,
  ServerToClientEvents,
  SocketData,
} from './realtime-events';
import { authenticateHandshake } from './socket-auth.middleware';

export type RealtimeNamespace = Namespace<
  ClientToServerEvents,
  ServerToClientEvents,
  Record<string, never>,
  SocketData
>;
type RealtimeSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

/** One room per user: every socket of the user joins it, and events for the user go to it. */
export const userRoom = (userId: string): string => `user:${userId}`;

/** One room per session: what a revocation closes. */
export const sessionRoom = (sessionId: string): string => `session:${sessionId}`;

/**
 * The `/ws` namespace: authenticated sockets, one room per user, closed when the token expires. Thin: what is
 * sent and when is decided by {@link RealtimeAnnouncer}; CORS by {@link RealtimeIoAdapter}. Every API process
 * announces every event to its own sockets, so what is sent here goes to this process's sockets only.
 */
@WebSocketGateway({ namespace: '/ws' })
export class RealtimeGateway
  implements
    OnGatewayInit<RealtimeNamespace>,
    OnGatewayConnection<RealtimeSocket>,
    OnGatewayDisconnect<RealtimeSocket>
{
  private readonly logger = new Logger('RealtimeGateway');
  private namespace: RealtimeNamespace | undefined;
  private readonly expiryTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly tokens: AccessTokenVerifier) {}

  /** This process's sockets (never through the adapter to another node's). */
  private get sockets() {
    return this.namespace?.local;
  }

  afterInit(namespace: RealtimeNamespace): void {
    this.namespace = namespace;
    namespace.use(authenticateHandshake(this.tokens));
  }

  handleConnection(socket: RealtimeSocket): void {
    const { userId, sessionId, expiresAt } = socket.data;
    void socket.join([userRoom(userId), sessionRoom(sessionId)]);
    // The token's lifetime is the socket's: at `exp`, say why, then close (the client reconnects with a fresh token).
    const timer = setTimeout(
      () => {
        socket.emit('system.alert', { code: 'TOKEN_EXPIRED', message: 'The access token has expired' });
        socket.disconnect();
      },
      Math.max(0, expiresAt.getTime() - Date.now()),
    );
    this.expiryTimers.set(socket.id, timer);
  }

  handleDisconnect(socket: RealtimeSocket): void {
    clearTimeout(this.expiryTimers.get(socket.id));
    this.expiryTimers.delete(socket.id);
  }

  /** Whether this process has a socket at all. */
  hasAnySockets(): boolean {
    return (this.namespace?.sockets.size ?? 0) > 0;
  }

  /** Whether this process has a socket of the user. */
  hasLocalSockets(userId: string): boolean {
    return (this.namespace?.adapter.rooms.get(userRoom(userId))?.size ?? 0) > 0;
  }

  /** Closes this process's sockets of a revoked session: told why first (`system.alert` SESSION_REVOKED), then disconnected. */
  closeSession(sessionId: string): void {
    const sockets = this.sockets;
    if (!sockets) return;
    const room = sessionRoom(sessionId);
    sockets
      .to(room)
      .emit('system.alert', { code: 'SESSION_REVOKED', message: 'This session was ended: sign in again' });
    sockets.in(room).disconnectSockets(true);
  }

  /** Sends to every socket of the user in this process. */
  send(userId: string, message: RealtimeMessage): void {
    const sockets = this.sockets;
    if (!sockets) {
      this.logger.warn(`no /ws namespace: ${message.event} for ${userId} dropped`);
      return;
    }
    const room = sockets.to(userRoom(userId));
    // The union's event and data belong together (RealtimeMessage); TypeScript cannot correlate them here.
    (room.emit as (event: RealtimeMessage['event'], data: RealtimeMessage['data']) => boolean)(
      message.event,
      message.data,
    );
  }
}
