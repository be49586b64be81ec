import { renderClientTypes, typeOf } from './web-api-client-types';

describe('web console route table from OpenAPI', () => {
  it('renders schemas: refs, enums, arrays, optional and nullable properties', () => {
    expect(typeOf({ $ref: '#/components/schemas/Amount' })).toBe('Schemas["Amount"]');
    expect(typeOf({ type: 'string', enum: ['USDC', 'EURC'] })).toBe('"USDC" | "EURC"');
    expect(typeOf({ type: 'array', items: { type: 'integer' } })).toBe('Array<number>');
    expect(typeOf({ type: 'string', nullable: true })).toBe('string | null');
    expect(
      typeOf({ type: 'object', required: ['to'], properties: { to: { type: 'string' }, 'x-y': { type: 'boolean' } } }, ''),
    ).toBe('{\n  to: string;\n  "x-y"?: boolean;\n}');
  });

  it('lists each method and path with its body, query and whether it needs an Idempotency-Key', () => {
    const rendered = renderClientTypes({
      paths: {
        '/api/send': {
          post: {
            parameters: [{ name: 'Idempotency-Key', in: 'header', required: true, schema: { type: 'string' } }],
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/SendDto' } } } },
          },
          get: { parameters: [{ name: 'limit', in: 'query', schema: { type: 'number' } }] },
        },
      },
      components: { schemas: { SendDto: { type: 'object', required: ['amount'], properties: { amount: { type: 'string' } } } } },
    });
    expect(rendered).toContain('  SendDto: {\n    amount: string;\n  };');
    expect(rendered).toContain(
      '  "GET /api/send": {\n    body: never;\n    query: { limit?: number };\n    idempotencyKey: false;\n  };',
    );
    expect(rendered).toContain(
      '  "POST /api/send": {\n    body: Schemas["SendDto"];\n    query: never;\n    idempotencyKey: true;\n  };',
    );
  });
});
