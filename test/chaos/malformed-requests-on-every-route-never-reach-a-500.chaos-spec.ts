import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import { grantAdmin } from '../support/admin';
import { deposit, onboard, type Customer } from '../support/money';
import { startTestApp, type TestApp } from '../support/test-app';
import { call, isErrorEnvelope } from './support/http';
import { fillPath, plausibleBody, routeName, routesOf, type Route } from './support/openapi';
import { scaled, scaledTimeout } from './support/scale';
import { recordSummary, secondsSince } from './support/summary';

const ADMIN_EMAIL = `fuzz-admin.${process.pid}@example.com`;

/** A token written verbatim into the JSON text: numbers JSON.stringify cannot make (1e400, 2^64 exactly, …). */
class RawJson {
  constructor(readonly text: string) {}
}

/** encodeURIComponent, except that a lone surrogate (which it refuses) becomes its invalid UTF-8 bytes. */
function encode(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.charCodeAt(0);
    out +=
      char.length === 1 && code >= 0xd800 && code <= 0xdfff
        ? `%ED%${(0xa0 + ((code >> 6) & 0x1f)).toString(16).toUpperCase()}%${(0x80 + (code & 0x3f)).toString(16).toUpperCase()}`
        : encodeURIComponent(char);
  }
  return out;
}

function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (Array.isArray(value)) return `[${value.map(toJsonText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value)
      .map(([key, item]) => `${JSON.stringify(key)}:${toJsonText(item)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

// prettier-ignore
const WEIRD_STRINGS = [
  '', ' ', '\u0000', 'null', 'undefined', 'NaN', 'Infinity', '-Infinity', '1e400', '-1e400',
  '99999999999999999999999', '18446744073709551616', '9223372036854775808', '0x1F', '1_000', '1,000.00',
  '١٢٣٫٤٥', '１２３', '12.', '.5', '+5', '-5.00', '5.0000001', '0.0000000000000000001', '\u202Eexe.txt',
  '\u200B1.00', '\uFEFF1.00', '🦄💸🏦', '𝕳𝖊𝖑𝖑𝖔', 'Ω≈ç√∫', 'مرحبا', 'ﷺ', "' OR 1=1 --",
  '<script>alert(1)</script>', '../../etc/passwd', '%00', '%', '{{7*7}}', '${jndi:ldap://x}', 'USDC', 'usdc',
  'DOGE', 'daily', '2026-02-30T25:61:00Z', '0000-00-00', '9999-12-31T23:59:59Z', 'Europe/Nowhere',
  'x'.repeat(10_000),
];
// prettier-ignore
/** Amounts at and past every bound: the per-movement maximum (1,000,000,000.00), the columns' 2^63 − 1 minor units. */
const HUGE_AMOUNTS: unknown[] = [
  '1000000000.00', '1000000000', 1000000000, '999999999.999999', '1000000000.000001', '1000000001',
  '9000000000000', 9000000000000, '9223372036854.775807', '9223372036854.775808', '92233720368547758.07',
  '18446744073709.551615',
];
// prettier-ignore
const RAW_NUMBERS = [
  '1e400', '-1e400', '1e-400', '18446744073709551616', '99999999999999999999999', '-0', '1E5', '0.1e1',
  '123456789012345678901234567890.123456789',
];

const loneSurrogates = fc.string({
  unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 3,
});
const junkString = fc.oneof(
  fc.constantFrom(...WEIRD_STRINGS),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  loneSurrogates,
);
const deepNesting = fc
  .integer({ min: 100, max: 5_000 })
  .map((depth) => new RawJson(`${'['.repeat(depth)}${']'.repeat(depth)}`));
const junkValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: junkString, weight: 4 },
  {
    // prettier-ignore
    arbitrary: fc.constantFrom(null, true, false, 0, -1, 1.5, -0.01, Number.MAX_SAFE_INTEGER + 2, 2 ** 64, 1e308, -1e308, 5e-324),
    weight: 3,
  },
  { arbitrary: fc.integer(), weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.constantFrom(...RAW_NUMBERS).map((text) => new RawJson(text)), weight: 3 },
  { arbitrary: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }), weight: 1 },
  { arbitrary: fc.dictionary(junkString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), weight: 1 },
  { arbitrary: deepNesting, weight: 1 },
);
const fieldName = fc.oneof(
  fc.constantFrom(
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    'idempotencyKey',
    '',
  ),
  junkString,
);

type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'raw'; contentType: string | null; text: string; encoding?: string }
  | { kind: 'bytes'; contentType: string; bytes: number[] };

const OVERSIZED = `{"note":"${'x'.repeat(110 * 1024)}","amount":"1.00"}`;
const OVERSIZED_ARRAY = `{"recipients":[${Array.from({ length: 12_000 }, () => '{"to":"a","amount":"1"}').join(',')}]}`;
// prettier-ignore
const MALFORMED_JSON = [
  '{', '{"a":', '[1,2', '{"amount": }', 'nul', 'true', '"text"', '42', 'null', '[]', '{"a":1}}',
  '\uFEFF{"a":1}', '{"a":1} trailing', "{'a':1}", '{"a":NaN}', '{"a":Infinity}', '{"a": 01}', '{"a":"\\u00"}',
  '{"a":"\\ud800"}', '{"__proto__":{"isAdmin":true,"roles":["admin"]}}',
  '{"constructor":{"prototype":{"polluted":1}}}', '{"amount":"1.00","amount":"2.00"}', '', ' ', '\u0000',
  OVERSIZED, OVERSIZED_ARRAY,
];
// prettier-ignore
const JSON_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'application/vnd.api+json',
  'application/merge-patch+json', 'APPLICATION/JSON',
];
// prettier-ignore
const OTHER_TYPES = [
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/octet-stream', 'image/png', '*/*', 'application/json; charset=utf-16',
  'application/json; charset=latin1', 'application/json; charset=nope', 'text/json', 'application/',
];

/**
 * A valid-looking body for the route: the schema's examples, enums and defaults, with real values where the
 * schema cannot know them (an existing recipient, a future date, a fresh email), so that mutated requests get
 * past the first check and into the handlers and the database.
 */
function plausibleFor(
  route: Route,
  real: Record<string, fc.Arbitrary<unknown>>,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = route.body?.properties ?? {};
  const overrides = Object.fromEntries(
    Object.entries(real).filter(([name]) => name in properties && !properties[name].enum),
  );
  return fc.record(overrides).map((values) => ({ ...plausibleBody(route.body), ...values }));
}

function bodyFor(route: Route, real: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<Body> {
  const fields = Object.keys(route.body?.properties ?? {});
  const plausible = plausibleFor(route, real);
  const mutation = fc.oneof(
    fc.record({
      op: fc.constant('delete' as const),
      field: fields.length ? fc.constantFrom(...fields) : fieldName,
      value: fc.constant(null),
    }),
    fc.record({
      op: fc.constant('set' as const),
      field: fields.length ? fc.constantFrom(...fields) : fieldName,
      value: junkValue,
    }),
    fc.record({ op: fc.constant('set' as const), field: fieldName, value: junkValue }),
  );
  const mutated = fc
    .tuple(plausible, fc.array(mutation, { minLength: 1, maxLength: 3 }))
    .map(([base, mutations]): Body => {
      const value: Record<string, unknown> = { ...base };
      for (const { op, field, value: junk } of mutations) {
        if (op === 'delete') delete value[field];
        else
          Object.defineProperty(value, field, {
            value: junk,
            enumerable: true,
            writable: true,
            configurable: true,
          });
      }
      return { kind: 'json', value };
    });
  return fc.oneof(
    { arbitrary: mutated, weight: 8 },
    { arbitrary: plausible.map((value): Body => ({ kind: 'json', value })), weight: 1 },
    { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value): Body => ({ kind: 'json', value })), weight: 2 },
    { arbitrary: fc.constant<Body>({ kind: 'none' }), weight: 1 },
    {
      arbitrary: fc
        .record({ contentType: fc.constantFrom(...JSON_TYPES), text: fc.constantFrom(...MALFORMED_JSON) })
        .map((raw): Body => ({ kind: 'raw', ...raw })),
      weight: 2,
    },
    {
      arbitrary: fc
        .record({
          contentType: fc.option(fc.constantFrom(...OTHER_TYPES), { nil: null }),
          text: fc.oneof(fc.string(), fc.constantFrom('a=1&b=2', '<a>1</a>', '{"amount":"1.00"}')),
        })
        .map((raw): Body => ({ kind: 'raw', ...raw })),
      weight: 2,
    },
    {
      arbitrary: fc
        .record({
          encoding: fc.constantFrom('gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip'),
          text: fc.constantFrom('{"amount":"1.00"}', 'not compressed'),
        })
        .map((raw): Body => ({ kind: 'raw', contentType: 'application/json', ...raw })),
      weight: 1,
    },
    {
      // Invalid UTF-8 inside a JSON string.
      arbitrary: fc.constant<Body>({
        kind: 'bytes',
        contentType: 'application/json',
        bytes: [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0xc3, 0x22, 0x7d],
      }),
      weight: 1,
    },
  );
}

// prettier-ignore
const RAW_PATH_VALUES = [
  '%', '%zz', '%E0%A4%A', '%C0%AF', '..', '.', '%2e%2e', '%00', '%2F', '%5C', 'a%20b', '%F0%9F%A6%84', ';',
  '*', '~',
];
const printable = fc.string({
  unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)),
  maxLength: 300,
});

interface FuzzRequest {
  route: Route;
  method: string;
  path: string;
  token: string;
  idempotencyKey: string | null;
  requestId: string | null;
  body: Body;
}

describe('chaos: thousands of generated malformed requests across every route never reach a 500', () => {
  let t: TestApp;
  let baseUrl: string;
  let routes: Route[];
  const tokens: Record<'alice' | 'admin', string> = { alice: '', admin: '' };
  const credentials: Record<'alice' | 'admin', { email: string; password: string }> = {
    alice: { email: '', password: 'correct-horse-battery' },
    admin: { email: ADMIN_EMAIL, password: 'correct-horse-battery' },
  };
  const realIds: string[] = [];
  let realValues: Record<string, fc.Arbitrary<unknown>> = {};

  beforeAll(async () => {
    t = await startTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const alice: Customer = await onboard(t, 'fuzz-alice');
    const bob: Customer = await onboard(t, 'fuzz-bob');
    credentials.alice.email = alice.email;
    tokens.alice = alice.token;
    await t.http().post('/api/consumer/onboard').send(credentials.admin).expect(201);
    // Made admin as an operator does (ADMIN_EMAILS needs a verified email, which registration is not).
    tokens.admin = (await grantAdmin(t, credentials.admin)).token;
    await deposit(t, alice, '100.00');
    // Real ids, so that some generated requests reach the handlers behind the id checks.
    const transfer = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', randomUUID())
      .send({ to: bob.email, amount: '1.00' })
      .expect(201);
    const recurring = await t
      .http()
      .post('/api/recurring/create')
      .set('Authorization', `Bearer ${alice.token}`)
      .set('Idempotency-Key', randomUUID())
      .send({
        to: bob.email,
        amount: '1.00',
        frequency: 'monthly',
        startAt: new Date(Date.now() + 86_400_000).toISOString(),
      })
      .expect(201);
    realIds.push(
      transfer.body.transfer.id,
      recurring.body.recurring.id,
      alice.userId,
      bob.userId,
      'tempo',
      'circle',
      'monay',
    );
    realValues = {
      to: fc.constantFrom(bob.email, bob.userId, bob.address),
      // Everyday amounts, and the largest there are: the per-movement maximum, just above it, the reported
      // 9,000,000,000,000 and what the bigint columns hold — none may reach a 500, whatever the route.
      amount: fc.oneof(
        { arbitrary: fc.constantFrom('1.00', '0.01', '2.5', 3), weight: 3 },
        { arbitrary: fc.constantFrom(...HUGE_AMOUNTS), weight: 2 },
      ),
      email: fc.uuid().map((id) => `fuzz.${id}@example.com`),
      password: fc.constant('correct-horse-battery'),
      startAt: fc
        .integer({ min: 60_000, max: 30 * 86_400_000 })
        .map((ms) => new Date(Date.now() + ms).toISOString()),
      destination: fc.constant('GB33BUKB20201555555555'),
      recipients: fc.oneof(
        fc.constant([{ to: bob.email, amount: '1.00' }]),
        fc
          .array(fc.constantFrom(...HUGE_AMOUNTS), { minLength: 1, maxLength: 3 })
          .map((amounts) => amounts.map((amount) => ({ to: bob.email, amount }))),
      ),
      quoteId: fc.uuid(),
    };
    routes = routesOf((await t.http().get('/api/docs-json').expect(200)).body);
  }, 120_000);

  afterAll(async () => {
    await t?.close();
  });

  async function logIn(who: 'alice' | 'admin'): Promise<string> {
    const response = await t.http().post('/api/auth/login').send(credentials[who]).expect(200);
    return response.body.accessToken as string;
  }

  function requestFor(route: Route): fc.Arbitrary<FuzzRequest> {
    const pathValue = fc.oneof(
      { arbitrary: fc.constantFrom(...realIds).map((value) => ({ value, raw: false })), weight: 3 },
      { arbitrary: fc.uuid().map((value) => ({ value, raw: false })), weight: 2 },
      { arbitrary: junkString.map((value) => ({ value, raw: false })), weight: 3 },
      { arbitrary: fc.constantFrom(...RAW_PATH_VALUES).map((value) => ({ value, raw: true })), weight: 2 },
    );
    const query = fc
      .array(
        fc.tuple(
          route.queryParams.length ? fc.oneof(fc.constantFrom(...route.queryParams), fieldName) : fieldName,
          fc.oneof(
            junkString.map(encode),
            fc.constantFrom('%', '%zz', '1&limit=2', '', '1e400', '-1', '0', '100000'),
          ),
          fc.constantFrom('', '[]', '[a]', '[__proto__]'),
        ),
        { maxLength: 4 },
      )
      .map((pairs) =>
        pairs.length
          ? `?${pairs.map(([name, value, suffix]) => `${encode(name)}${suffix}=${value}`).join('&')}`
          : '',
      );
    return fc
      .record({
        values: fc.tuple(...route.pathParams.map(() => pathValue)),
        query,
        method: fc.oneof(
          { arbitrary: fc.constant(route.method), weight: 9 },
          { arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'), weight: 1 },
        ),
        token: fc.oneof(
          { arbitrary: fc.constantFrom('alice', 'admin', 'none'), weight: 6 },
          {
            arbitrary: fc.oneof(
              printable,
              fc.constantFrom('Bearer', 'Basic YTpi', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.'),
            ),
            weight: 1,
          },
        ),
        idempotencyKey: fc.oneof(fc.constant(null), fc.uuid(), printable),
        requestId: fc.option(printable, { nil: null }),
        body: bodyFor(route, realValues),
      })
      .map(({ values, query, method, token, idempotencyKey, requestId, body }) => {
        const filled = Object.fromEntries(
          route.pathParams.map((name, i) => [
            name,
            values[i].raw ? values[i].value : encode(values[i].value),
          ]),
        );
        const request: FuzzRequest = {
          route,
          method,
          path: `${fillPath(route.path, filled, true)}${query}`,
          token,
          idempotencyKey,
          requestId,
          body,
        };
        // fast-check prints a counterexample this way (not the route's whole schema).
        return Object.assign(request, { [fc.toStringMethod]: () => describeRequest(request) });
      });
  }

  async function send(request: FuzzRequest) {
    const headers: Record<string, string> = {};
    if (request.token === 'alice' || request.token === 'admin')
      headers.Authorization = `Bearer ${tokens[request.token]}`;
    else if (request.token !== 'none') headers.Authorization = request.token;
    if (request.idempotencyKey !== null) headers['Idempotency-Key'] = request.idempotencyKey;
    if (request.requestId !== null) headers['X-Request-Id'] = request.requestId;
    let body: string | Uint8Array | undefined;
    if (request.body.kind === 'json') {
      headers['Content-Type'] = 'application/json';
      body = toJsonText(request.body.value);
    } else if (request.body.kind === 'raw') {
      if (request.body.contentType !== null) headers['Content-Type'] = request.body.contentType;
      if (request.body.encoding) headers['Content-Encoding'] = request.body.encoding;
      body = request.body.text;
    } else if (request.body.kind === 'bytes') {
      headers['Content-Type'] = request.body.contentType;
      body = Uint8Array.from(request.body.bytes);
    }
    if (request.method === 'GET') body = undefined; // fetch cannot send a GET body
    const started = Date.now();
    try {
      const response = await fetch(`${baseUrl}${request.path}`, {
        method: request.method,
        headers,
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text, which fails the envelope check below
      }
      return { status: response.status, body: parsed, ms: Date.now() - started };
    } catch (error) {
      return {
        status: 0,
        body: `no answer: ${String((error as { cause?: unknown }).cause ?? error)}`,
        ms: Date.now() - started,
      };
    }
  }

  function describeRequest(request: FuzzRequest): string {
    const body =
      request.body.kind === 'json'
        ? toJsonText(request.body.value)
        : request.body.kind === 'raw'
          ? `[${request.body.contentType}${request.body.encoding ? `, ${request.body.encoding}` : ''}] ${request.body.text}`
          : request.body.kind;
    return `${request.method} ${request.path.slice(0, 300)} (token ${request.token.slice(0, 30)}, key ${String(request.idempotencyKey).slice(0, 40)}) body ${body.slice(0, 300)}`;
  }

  it("answers what Node's HTTP parser refuses (a URL over its limit, a request that is not HTTP) in the envelope too", async () => {
    const long = await call(baseUrl, 'GET', `/api/health/live?q=${'x'.repeat(20_000)}`);
    expect(long).toMatchObject({
      answered: true,
      status: 431,
      body: { error: { code: 'REQUEST_HEADERS_TOO_LARGE' } },
    });
    expect(isErrorEnvelope(long.answered && long.body)).toBe(true);
    const port = Number(new URL(baseUrl).port);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write('NOT HTTP AT ALL\r\n\r\n'));
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400 /);
    expect(isErrorEnvelope(JSON.parse(raw.slice(raw.indexOf('\r\n\r\n') + 4)))).toBe(true);
  });

  it(
    'answers every one with a 2xx or a 4xx in the error envelope, across every route of the OpenAPI document',
    async () => {
      expect(routes.length).toBeGreaterThan(20);
      const started = Date.now();
      const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 2 ** 31);
      const numRuns = scaled(3_000);
      const statuses: Record<string, number> = {};
      const perRoute = new Map<string, number>();
      const stray: Route = {
        method: 'GET',
        path: '/api/{junk}',
        pathParams: ['junk'],
        queryParams: [],
        bearer: false,
      };
      const anyRequest = fc.oneof(...routes.map((route) => ({ arbitrary: requestFor(route), weight: 10 })), {
        arbitrary: requestFor(stray),
        weight: 5,
      });
      let failure: unknown;
      try {
        await fc.assert(
          fc.asyncProperty(anyRequest, async (request) => {
            const reply = await send(request);
            statuses[String(reply.status)] = (statuses[String(reply.status)] ?? 0) + 1;
            perRoute.set(routeName(request.route), (perRoute.get(routeName(request.route)) ?? 0) + 1);
            // A session this request ended (a fuzzed logout) is replaced, so later requests still reach the handlers.
            if (
              request.route.path === '/api/auth/logout' &&
              reply.status < 300 &&
              (request.token === 'alice' || request.token === 'admin')
            ) {
              tokens[request.token] = await logIn(request.token);
            }
            // Likewise a provider an admin request put in outage is made healthy again: a 503 PROVIDER_UNAVAILABLE
            // afterwards would be the truth, not a bug, and would hide real 5xx.
            if (request.route.path === '/api/admin/providers/{name}/mode' && reply.status === 200) {
              for (const name of ['tempo', 'circle', 'monay']) {
                await t
                  .http()
                  .put(`/api/admin/providers/${name}/mode`)
                  .set('Authorization', `Bearer ${tokens.admin}`)
                  .send({ mode: 'healthy' })
                  .expect(200);
              }
            }
            if (reply.status === 0 || reply.status >= 500) {
              throw new Error(
                `${describeRequest(request)}\n  → ${reply.status} ${JSON.stringify(reply.body).slice(0, 500)}`,
              );
            }
            if ((reply.status < 200 || reply.status >= 300) && !isErrorEnvelope(reply.body)) {
              throw new Error(
                `${describeRequest(request)}\n  → ${reply.status} outside the envelope: ${JSON.stringify(reply.body).slice(0, 500)}`,
              );
            }
          }),
          { numRuns, seed, endOnFailure: process.env.CHAOS_SHRINK !== '1' },
        );
      } catch (error) {
        failure = error;
      }
      recordSummary({
        scenario: 'fuzzing (fast-check) every route',
        seconds: secondsSince(started),
        figures: {
          seed,
          requests: Object.values(statuses).reduce((a, b) => a + b, 0),
          routes: perRoute.size,
          ...Object.fromEntries(Object.entries(statuses).map(([status, n]) => [`${status}s`, n])),
        },
      });
      if (failure) {
        const cause = (failure as { cause?: unknown }).cause;
        throw new Error(
          `fuzzing failed (reproduce with CHAOS_SEED=${seed}; add CHAOS_SHRINK=1 to shrink the request):\n` +
            `${cause instanceof Error ? cause.message : ''}\n${String(failure).slice(0, 4_000)}`,
        );
      }
      // Every route of the document was exercised.
      expect(routes.filter((route) => !perRoute.has(routeName(route))).map(routeName)).toEqual([]);
    },
    scaledTimeout(300_000),
  );
});
