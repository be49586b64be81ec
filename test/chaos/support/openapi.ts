/** The API's routes as its OpenAPI document (`GET /api/docs-json`) lists them. */
export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
  /** The OpenAPI template, e.g. `/api/recurring/{id}`. */
  path: string;
  pathParams: string[];
  queryParams: string[];
  /** The JSON request body's schema, $refs resolved (one level deep at a time, lazily). */
  body?: Schema;
  /** Declares bearer security (a token is needed). */
  bearer: boolean;
}

export interface Schema {
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  items?: Schema;
  $ref?: string;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

interface Document {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string }>;
        requestBody?: { content?: Record<string, { schema?: Schema }> };
        security?: unknown[];
      }
    >
  >;
  components?: { schemas?: Record<string, Schema> };
}

export function routesOf(document: Document): Route[] {
  const schemas = document.components?.schemas ?? {};
  const resolve = (schema: Schema | undefined, depth = 0): Schema | undefined => {
    if (!schema || depth > 5) return schema;
    const base = schema.$ref ? schemas[schema.$ref.replace('#/components/schemas/', '')] : schema;
    if (!base) return undefined;
    return {
      ...base,
      ...(base.properties && {
        properties: Object.fromEntries(
          Object.entries(base.properties).map(([name, s]) => [name, resolve(s, depth + 1) ?? {}]),
        ),
      }),
      ...(base.items && { items: resolve(base.items, depth + 1) }),
    };
  };
  const routes: Route[] = [];
  for (const [path, operations] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(operations)) {
      const parameters = operation.parameters ?? [];
      routes.push({
        method: method.toUpperCase() as Route['method'],
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        body: resolve(operation.requestBody?.content?.['application/json']?.schema),
        bearer: (operation.security ?? []).some(
          (entry) => typeof entry === 'object' && entry !== null && 'bearer' in entry,
        ),
      });
    }
  }
  return routes;
}

/** `METHOD /path` — how the suites name a route. */
export function routeName(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** The route's path with its parameters filled in (each value URL-encoded unless `raw`). */
export function fillPath(path: string, values: Record<string, string>, raw = false): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = values[name] ?? 'x';
    return raw ? value : encodeURIComponent(value);
  });
}

/** A plausible valid body from the schema (examples, enums, defaults), the starting point of mutations. */
export function plausibleBody(schema: Schema | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema?.properties ?? {})) {
    if (name === 'idempotencyKey') continue;
    const value =
      property.example ??
      property.default ??
      property.enum?.[0] ??
      (property.type === 'number' || property.type === 'integer'
        ? 1
        : property.type === 'boolean'
          ? true
          : 'x');
    body[name] = value;
  }
  return body;
}
