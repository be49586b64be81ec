import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { mapLimit } from './stats';

/** A user onboarded through the real HTTP API, with the access token the load uses. */
export interface SeededUser {
  id: string;
  email: string;
  address: string;
  token: string;
}

export interface SeedResult {
  users: SeededUser[];
  seconds: number;
  onboardPerSecond: number;
  depositPerSecond: number;
}

const PASSWORD = 'correct-horse-battery-staple';

export async function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: parseJson(text) };
}

function parseJson(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return { raw: text };
  }
}

export async function onboard(baseUrl: string, email: string): Promise<SeededUser> {
  const response = await postJson(baseUrl, '/api/consumer/onboard', { email, password: PASSWORD });
  if (response.status !== 201) {
    throw new Error(`onboard ${email} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  const body = response.body as { user: { id: string }; wallet: { address: string }; accessToken: string };
  return { id: body.user.id, email, address: body.wallet.address, token: body.accessToken };
}

/** A fresh access token for a user seeded by {@link onboard} (after a role was granted, say). */
export async function logIn(baseUrl: string, email: string): Promise<string> {
  const response = await postJson(baseUrl, '/api/auth/login', { email, password: PASSWORD });
  if (response.status !== 200) {
    throw new Error(`login ${email} answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  return (response.body as { accessToken: string }).accessToken;
}

/** Deposits `amount` (a decimal string) of USDC through POST /api/consumer/deposit, with an Idempotency-Key. */
export async function deposit(baseUrl: string, user: SeededUser, amount: string): Promise<void> {
  const response = await postJson(
    baseUrl,
    '/api/consumer/deposit',
    { amount, currency: 'USDC' },
    { Authorization: `Bearer ${user.token}`, 'Idempotency-Key': randomUUID() },
  );
  if (response.status !== 201) {
    throw new Error(
      `deposit for ${user.email} answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
}

/** Onboards `count` users and funds each with `amount` USDC, `concurrency` requests at a time. */
export async function seedUsers(
  baseUrl: string,
  options: { count: number; prefix: string; amount: string; concurrency: number },
): Promise<SeedResult> {
  const started = performance.now();
  const emails = Array.from({ length: options.count }, (_, i) => `${options.prefix}.${i}@bench.example.com`);
  const users = await mapLimit(emails, options.concurrency, (email) => onboard(baseUrl, email));
  const onboarded = performance.now();
  await mapLimit(users, options.concurrency, (user) => deposit(baseUrl, user, options.amount));
  const done = performance.now();
  return {
    users,
    seconds: Math.round((done - started) / 10) / 100,
    onboardPerSecond: Math.round((options.count / (onboarded - started)) * 1000),
    depositPerSecond: Math.round((options.count / (done - onboarded)) * 1000),
  };
}
