import { createHmac } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  RealtimeEventName,
  RealtimeMessage,
  RealtimePayload,
  ServerToClientEvents,
} from '../realtime-events';

/** How long any wait on a socket may take before the test fails (instead of hanging). */
export const SOCKET_WAIT_MS = 5_000;

type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The `connect_error` a refused handshake produces. */
export interface HandshakeRefusal {
  message: string;
  data: { code: string; message: string } | undefined;
}

function open(baseUrl: string, token: string | undefined): ClientSocket {
  return io(`${baseUrl}/ws`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

function within<T>(
  what: string,
  timeoutMs: number,
  executor: (resolve: (value: T) => void) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)),
      timeoutMs,
    );
    executor((value) => {
      clearTimeout(timer);
      resolve(value);
    });
  });
}

/** A connected test client that records every event it receives, in order. */
export class RealtimeClient {
  readonly messages: RealtimeMessage[] = [];
  private readonly listeners = new Set<() => void>();
  disconnectReason: string | undefined;

  private constructor(readonly socket: ClientSocket) {
    socket.onAny((event: RealtimeEventName, data: unknown) => {
      this.messages.push({ event, data } as RealtimeMessage);
      for (const listener of this.listeners) listener();
    });
    socket.on('disconnect', (reason) => {
      this.disconnectReason = reason;
      for (const listener of this.listeners) listener();
    });
  }

  /** Connects with `token`; rejects with the refusal when the handshake is refused. */
  static async connect(baseUrl: string, token: string): Promise<RealtimeClient> {
    const socket = open(baseUrl, token);
    const client = new RealtimeClient(socket);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`socket did not connect within ${SOCKET_WAIT_MS} ms`));
      }, SOCKET_WAIT_MS);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('connect_error', (error) => {
        clearTimeout(timer);
        socket.close();
        reject(error);
      });
    });
    return client;
  }

  /** Waits until the recorded messages satisfy `done`, and returns what it returns. */
  until<T>(
    what: string,
    done: (messages: RealtimeMessage[]) => T | undefined,
    timeoutMs = SOCKET_WAIT_MS,
  ): Promise<T> {
    let check: () => void = () => undefined;
    return within<T>(`${what} (received so far: ${this.describe()})`, timeoutMs, (resolve) => {
      check = () => {
        const result = done(this.messages);
        if (result !== undefined) resolve(result);
      };
      this.listeners.add(check);
      check();
    }).finally(() => this.listeners.delete(check));
  }

  /** The `index`-th (0-based) `event` received since the client connected. */
  nth<E extends RealtimeEventName>(event: E, index = 0): Promise<RealtimePayload<E>> {
    return this.until(`${event} #${index + 1}`, (messages) => {
      const found = messages.filter((message) => message.event === event)[index];
      return found?.data as RealtimePayload<E> | undefined;
    });
  }

  /** Resolves with the reason once the server has closed the socket. */
  disconnected(timeoutMs = SOCKET_WAIT_MS): Promise<string> {
    return this.until('disconnect', () => this.disconnectReason, timeoutMs);
  }

  of<E extends RealtimeEventName>(event: E): Array<RealtimePayload<E>> {
    return this.messages.filter((m) => m.event === event).map((m) => m.data as RealtimePayload<E>);
  }

  close(): void {
    this.socket.close();
  }

  private describe(): string {
    return this.messages.map((m) => m.event).join(', ') || 'nothing';
  }
}

/** Opens a socket expecting the handshake to be refused; resolves with the `connect_error`. */
export function refusedHandshake(baseUrl: string, token: string | undefined): Promise<HandshakeRefusal> {
  const socket = open(baseUrl, token);
  return within<HandshakeRefusal>('connect_error', SOCKET_WAIT_MS, (resolve) => {
    socket.once('connect_error', (error: Error & { data?: HandshakeRefusal['data'] }) =>
      resolve({ message: error.message, data: error.data }),
    );
    socket.once('connect', () => resolve({ message: 'connected', data: undefined }));
  }).finally(() => socket.close());
}

/** The claims of one of our access tokens (no signature check: test code reading a token it was given). */
export function claimsOf(token: string): { sub: string; sid: string; roles: string[] } {
  return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
    sub: string;
    sid: string;
    roles: string[];
  };
}

/** An access token as the API signs it (HS256, our issuer and audience), with the claims and `exp` given. */
export function signAccessToken(
  secret: string,
  claims: { sub: string; sid: string; roles?: string[] },
  expiresAtSeconds: number,
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const payload = {
    sid: claims.sid,
    roles: claims.roles ?? [],
    sub: claims.sub,
    iss: 'monay-wallet',
    aud: 'monay-api',
    iat: Math.floor(Date.now() / 1000) - 60,
    exp: expiresAtSeconds,
  };
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
