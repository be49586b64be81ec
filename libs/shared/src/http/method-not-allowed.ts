import type { Request } from 'express';

interface RouteLayer {
  route?: { path?: unknown; methods?: Record<string, boolean> };
  match?: (path: string) => unknown;
}

/**
 * The methods the application serves at the request's path, read from Express's own router (every route Nest
 * registered, whatever the controller), so it can never disagree with what is served. Empty when no route
 * has this path at all. GET implies HEAD (Express answers it), and OPTIONS is answered everywhere (CORS).
 */
export function allowedMethods(request: Request): string[] {
  const router = (request.app as unknown as { router?: { stack?: RouteLayer[] } } | undefined)?.router;
  // Nest mounts its not-found handler under the global prefix, so `path` lost it there: rebuild the full path.
  const path = `${request.baseUrl ?? ''}${request.path}`;
  const methods = new Set<string>();
  for (const layer of router?.stack ?? []) {
    if (!layer.route?.methods || typeof layer.match !== 'function') continue;
    // Nest mounts module middleware (`forRoutes('*path')`) as wildcard routes of every method: not endpoints.
    if (typeof layer.route.path !== 'string' || layer.route.path.includes('*')) continue;
    if (!matchesPath(layer, path)) continue;
    for (const [method, served] of Object.entries(layer.route.methods)) {
      if (served && method !== '_all') methods.add(method.toUpperCase());
    }
  }
  if (methods.size === 0) return [];
  if (methods.has('GET')) methods.add('HEAD');
  methods.add('OPTIONS');
  return [...methods].sort();
}

function matchesPath(layer: RouteLayer, path: string): boolean {
  try {
    return Boolean(layer.match?.(path));
  } catch {
    return false; // a path the route's matcher cannot decode is not that route's
  }
}
