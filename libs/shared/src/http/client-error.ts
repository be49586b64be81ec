import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode } from '../kernel/domain-error';
import { errorEnvelope } from './error-envelope';

/**
 * Requests Node's HTTP parser refuses before any route runs (a URL or headers over its 16 kB limit, a broken
 * request line, a client too slow to send its headers) get the error envelope too, instead of Node's bare
 * status line with an empty body.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, ErrorCode.REQUEST_HEADERS_TOO_LARGE, 'The URL or the headers of the request are too large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, ErrorCode.REQUEST_TIMEOUT, 'The request was not received in time']
        : [400, ErrorCode.MALFORMED_REQUEST, 'The request is not valid HTTP'];
  const body = JSON.stringify(errorEnvelope(code, message, randomUUID()));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

@Injectable()
export class ClientErrorResponder implements OnApplicationBootstrap {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    server?.on('clientError', answerClientError);
  }
}
