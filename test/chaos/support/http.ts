import { performance } from 'node:perf_hooks';

/**
 * What a client got back: an HTTP answer, or none (connection refused or reset, or no answer in time), and
 * from which server (`baseUrl`: with several APIs, the one this call went to).
 */
export type Reply = { baseUrl: string; ms: number; startedAt: number } & (
  | { answered: true; status: number; body: any; replayed: boolean }
  | { answered: false; status: 0; error: string; timedOut: boolean }
);

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** One HTTP call as a client app makes it; never throws. */
export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<Reply> {
  const startedAt = Date.now();
  const started = performance.now();
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const timeoutMs = options.timeoutMs ?? 15_000;
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = text === '' ? null : JSON.parse(text);
    } catch {
      body = { raw: text.slice(0, 500) };
    }
    return {
      baseUrl,
      answered: true,
      status: response.status,
      body,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      ms: performance.now() - started,
      startedAt,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const timedOut = (error as Error).name === 'TimeoutError';
    return {
      baseUrl,
      answered: false,
      status: 0,
      error: timedOut
        ? `no answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (error as Error).message),
      timedOut,
      ms: performance.now() - started,
      startedAt,
    };
  }
}

/** The error envelope every non-2xx answer must carry (DESIGN.md, API conventions). */
export function isErrorEnvelope(body: unknown): boolean {
  if (typeof body !== 'object' || body === null) return false;
  const { success, error } = body as { success?: unknown; error?: Record<string, unknown> };
  return (
    success === false &&
    typeof error === 'object' &&
    error !== null &&
    typeof error.code === 'string' &&
    error.code.length > 0 &&
    typeof error.message === 'string' &&
    typeof error.requestId === 'string' &&
    error.requestId.length > 0
  );
}
