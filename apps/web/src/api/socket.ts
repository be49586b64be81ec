import { io, type Socket } from 'socket.io-client';
import { accessToken } from './client';

/** The realtime events the console listens to (libs/realtime/src/realtime-events.ts). */
export const LIVE_EVENTS = [
  'balance.updated',
  'transaction.updated',
  'transfer.received',
  'payment_request.updated',
  'card.authorization',
  'notification.created',
  'kyc.updated',
] as const;
export type LiveEvent = (typeof LIVE_EVENTS)[number];

let socket: Socket | null = null;
const seen = new Set<string>();
const listeners = new Set<(event: LiveEvent, data: Record<string, unknown>) => void>();
const statusListeners = new Set<(connected: boolean) => void>();

/**
 * One Socket.IO connection to `/ws` while signed in. The handshake reads the current access token each time it
 * connects, so a reconnect after the server closed an expired socket uses the refreshed one. Events are delivered
 * at least once: duplicates are dropped by `eventId`.
 */
export function connectLive(): void {
  if (socket) return;
  socket = io('/ws', { auth: (send) => send({ token: accessToken() }), transports: ['websocket'] });
  socket.on('connect', () => statusListeners.forEach((listener) => listener(true)));
  socket.on('disconnect', (reason) => {
    statusListeners.forEach((listener) => listener(false));
    // The server closes a socket whose token expired; reconnect with the fresh token.
    if (reason === 'io server disconnect' && accessToken()) setTimeout(() => socket?.connect(), 500);
  });
  for (const name of LIVE_EVENTS) {
    socket.on(name, (data: Record<string, unknown>) => {
      const id = typeof data?.eventId === 'string' ? `${name}:${data.eventId}` : null;
      if (id) {
        if (seen.has(id)) return;
        seen.add(id);
      }
      listeners.forEach((listener) => listener(name, data));
    });
  }
}

export function disconnectLive(): void {
  socket?.disconnect();
  socket = null;
  seen.clear();
}

export function onLive(listener: (event: LiveEvent, data: Record<string, unknown>) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function onLiveStatus(listener: (connected: boolean) => void): () => void {
  statusListeners.add(listener);
  if (socket?.connected) listener(true);
  return () => statusListeners.delete(listener);
}
