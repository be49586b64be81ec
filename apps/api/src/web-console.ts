import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { ErrorCode } from '#monay/kernel';
import { errorEnvelope, requestIdOf } from '#monay/shared';

/**
 * The policy of the web console's pages (apps/web): its own scripts and styles only, no inline code, images from
 * itself or data URLs (the API's QR codes), and requests to this origin only — `'self'` covers the Socket.IO
 * WebSocket on `/ws` of the same host in every browser that implements CSP Level 3.
 */
export const WEB_CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

function outsideApi(path: string): boolean {
  return !(path === '/api' || path.startsWith('/api/') || path === '/metrics');
}

/**
 * Serves the built web console from `dir` (`npm run build` writes it to dist/web) at `/`: hashed files under
 * `/assets/` are cached for a year as immutable, everything else (index.html, the icon) is revalidated on each
 * use (`no-cache`), and any other GET outside `/api` that names no file is a page of the single-page app, so it
 * answers index.html. A missing file is 404 and another method 405, in the API's envelope. Without a build the
 * middleware steps aside and every path outside `/api` stays 404.
 */
export function webConsole(dir: string) {
  const index = join(dir, 'index.html');
  return (request: Request, response: Response, next: NextFunction): void => {
    if (!outsideApi(request.path) || !existsSync(index)) return next();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response
        .status(405)
        .set('Allow', 'GET, HEAD')
        .json(errorEnvelope(ErrorCode.METHOD_NOT_ALLOWED, `${request.method} is not allowed here`, requestIdOf(request)));
      return;
    }
    const hashed = request.path.startsWith('/assets/');
    const file = extname(request.path) ? request.path : '/index.html';
    response.sendFile(
      file,
      {
        root: dir,
        dotfiles: 'deny',
        headers: { 'Content-Security-Policy': WEB_CONSOLE_CSP, ...(hashed ? {} : { 'Cache-Control': 'no-cache' }) },
        ...(hashed ? { maxAge: '365d', immutable: true } : { cacheControl: false }),
      },
      // Not there (or a dotfile, or outside the folder): the 404 of outsideApiNotFound.
      (error?: Error) => {
        if (error && !response.headersSent) next();
      },
    );
  };
}
