import type { ApiRoutes } from './schema';

/**
 * The console's only way to the API: typed by the route table generated from the OpenAPI document
 * (`npm run web:api` writes schema.ts), so a request names a route that exists, with the body and query it takes.
 * Tokens live in this module's memory only (never localStorage or a cookie): a reload signs out. The access token
 * is refreshed before it expires and once on a 401, and each refresh spends the old refresh token (rotation).
 */
export type Route = keyof ApiRoutes;

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  expiresIn?: number;
}

/** An answer of the API: the envelope `{success, …}` with the fields each page reads. */
export type Answer = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
  ) {
    super(message);
  }
}

let tokens: Tokens | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<(signedIn: boolean) => void>();

export function onSessionChange(listener: (signedIn: boolean) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function accessToken(): string | null {
  return tokens?.accessToken ?? null;
}

export function setSession(next: Tokens | null): void {
  tokens = next;
  clearTimeout(refreshTimer);
  if (next?.expiresIn) {
    // Refresh at 80 % of the token's life, so a page left open keeps working.
    refreshTimer = setTimeout(() => void refresh(), next.expiresIn * 800);
  }
  listeners.forEach((listener) => listener(next !== null));
}

async function refresh(): Promise<boolean> {
  const current = tokens;
  if (!current) return false;
  refreshing ??= (async () => {
    try {
      const answer = await send('POST /api/auth/refresh', { body: { refreshToken: current.refreshToken } }, false);
      setSession(answer as unknown as Tokens);
      return true;
    } catch {
      setSession(null);
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export interface CallOptions<R extends Route> {
  params?: Record<string, string>;
  query?: ApiRoutes[R]['query'];
  body?: ApiRoutes[R]['body'];
  idempotencyKey?: string;
  headers?: Record<string, string>;
  /** Read the answer as text (CSV, SVG) instead of JSON. */
  text?: boolean;
}

function urlOf(route: Route, options: CallOptions<Route>): string {
  let path = route.slice(route.indexOf(' ') + 1);
  for (const [name, value] of Object.entries(options.params ?? {})) {
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries((options.query ?? {}) as Record<string, unknown>)) {
    if (value !== undefined && value !== '') query.set(name, String(value));
  }
  const search = query.toString();
  return search ? `${path}?${search}` : path;
}

async function send<R extends Route>(route: R, options: CallOptions<R>, retry: boolean): Promise<Answer> {
  const method = route.slice(0, route.indexOf(' '));
  const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
  if (tokens) headers.Authorization = `Bearer ${tokens.accessToken}`;
  if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(urlOf(route, options as CallOptions<Route>), {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The API could not be reached. Check your connection and retry.');
  }
  if (response.status === 401 && retry && tokens && (await refresh())) return send(route, options, false);
  if (options.text && response.ok) return { text: await response.text() };
  const body = (await response.json().catch(() => ({}))) as {
    success?: boolean;
    error?: { code: string; message: string; details?: unknown; requestId?: string };
  };
  if (!response.ok) {
    const error = body.error ?? { code: `HTTP_${response.status}`, message: response.statusText };
    throw new ApiError(response.status, error.code, error.message, error.details, error.requestId);
  }
  return body as Answer;
}

/** Calls one route of the API as the signed-in user. */
export function api<R extends Route>(route: R, options: CallOptions<R> = {}): Promise<Answer> {
  return send(route, options, true);
}

/** A fresh Idempotency-Key: one per attempt at a money move, the same for its retries. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
