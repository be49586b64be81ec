import { randomUUID } from 'node:crypto';
import { auth, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  pattern?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
}
interface Operation {
  operationId: string;
  parameters?: Array<{ name: string; in: string; required?: boolean; schema?: Schema }>;
  requestBody?: unknown;
  security?: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

/** Fields that hold money, wherever they appear (request bodies, query strings). */
const MONEY_FIELDS = new Set([
  'amount',
  'daily',
  'monthly',
  'perTransaction',
  'fee',
  'maxFee',
  'available',
  'pending',
  'total',
  'totalUSD',
  'credited',
  'amountOut',
]);

const ENVELOPE = '#/components/schemas/ErrorEnvelopeDto';

/** The error statuses a route's shape implies it can answer. */
function requiredStatuses(path: string, operation: Operation): number[] {
  const statuses = new Set([429]);
  const parameters = operation.parameters ?? [];
  if (operation.security?.length) statuses.add(401);
  if (path.startsWith('/api/admin/')) statuses.add(403);
  if (parameters.some((p) => p.in === 'path')) statuses.add(404);
  if (operation.requestBody || parameters.some((p) => p.in === 'query')) statuses.add(400);
  if (parameters.some((p) => p.in === 'header' && p.name === 'Idempotency-Key' && p.required)) {
    [400, 409, 422].forEach((status) => statuses.add(status));
  }
  return [...statuses].sort();
}

describe('the OpenAPI document and unsupported methods', () => {
  let t: TestApp;
  let document: Document;
  let alice: Customer;

  beforeAll(async () => {
    t = await startTestApp();
    document = (await t.http().get('/api/docs-json').expect(200)).body as Document;
    alice = await onboard(t, 'alice');
  });
  afterAll(() => t.close());

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, operation]) => ({ path, method, operation })),
    );

  it('documents on every route the error answers its shape implies, each with the error envelope', () => {
    const problems: string[] = [];
    for (const { path, method, operation } of operations()) {
      const documented = Object.keys(operation.responses).map(Number);
      for (const status of requiredStatuses(path, operation)) {
        if (!documented.includes(status)) problems.push(`${method.toUpperCase()} ${path}: no ${status}`);
      }
      for (const status of documented.filter((s) => s >= 400 && s < 500)) {
        const schema = operation.responses[String(status)].content?.['application/json']?.schema;
        if (schema?.$ref !== ENVELOPE) {
          problems.push(`${method.toUpperCase()} ${path}: ${status} is not the error envelope`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(operations().length).toBeGreaterThan(40);
    expect(document.components.schemas.ErrorEnvelopeDto.properties).toMatchObject({
      success: { type: 'boolean' },
      error: { $ref: '#/components/schemas/ErrorBodyDto' },
    });
  });

  it('declares every money field a string with the decimal pattern, never an object or a number', () => {
    const found: string[] = [];
    const problems: string[] = [];
    const check = (where: string, name: string, schema: Schema) => {
      if (!MONEY_FIELDS.has(name) && schema.format !== 'decimal') return;
      found.push(where);
      if (schema.type !== 'string' || !schema.pattern || schema.format !== 'decimal') {
        problems.push(`${where}: ${JSON.stringify(schema)}`);
      }
    };
    const walk = (where: string, schema: Schema) => {
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        check(`${where}.${name}`, name, property);
        walk(`${where}.${name}`, property);
        if (property.items) walk(`${where}.${name}[]`, property.items);
      }
    };
    for (const [name, schema] of Object.entries(document.components.schemas)) walk(name, schema);
    for (const { path, method, operation } of operations()) {
      for (const parameter of operation.parameters ?? []) {
        if (parameter.schema) check(`${method} ${path} ?${parameter.name}`, parameter.name, parameter.schema);
      }
    }
    expect(problems).toEqual([]);
    // Not vacuous: the money fields of the deposit, send, batch, recurring, limits and swap requests were seen.
    expect(found.length).toBeGreaterThanOrEqual(10);
    expect(found).toEqual(
      expect.arrayContaining([
        'SendTransferRequestDto.amount',
        'BatchRecipientDto.amount',
        'UpdateLimitsRequestDto.daily',
        'get /api/consumer/swap/quote ?amount',
      ]),
    );
  });

  it.each<[string, string, string]>([
    ['DELETE', '/api/p2p-transfer/send', 'OPTIONS, POST'],
    ['PUT', '/api/wallet/balance', 'GET, HEAD, OPTIONS, POST'],
    ['PATCH', `/api/recurring/${randomUUID()}`, 'DELETE, GET, HEAD, OPTIONS, PUT'],
    ['GET', '/api/auth/login', 'OPTIONS, POST'],
    ['POST', '/api/admin/ledger/seal/extra', ''],
  ])('%s %s answers 405 with Allow: %s (404 when the path does not exist)', async (method, path, allow) => {
    const verb = method.toLowerCase() as 'get' | 'put' | 'delete' | 'patch' | 'post';
    const response = await t.http()[verb](path).set(auth(alice));
    if (allow === '') {
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('NOT_FOUND');
      expect(response.headers.allow).toBeUndefined();
      return;
    }
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.body).toMatchObject({ success: false, error: { code: 'METHOD_NOT_ALLOWED' } });
  });

  it('still serves what exists: HEAD of a GET route, and the right method', async () => {
    await t.http().head('/api/wallet/balance').set(auth(alice)).expect(200);
    await t.http().get('/api/wallet/balance').set(auth(alice)).expect(200);
    // 405 before authentication, as 404 is: the method is wrong whoever asks.
    await t.http().delete('/api/wallet/limits').expect(405);
  });
});
