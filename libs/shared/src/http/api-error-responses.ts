import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';

/** `error` of the envelope (error-envelope.ts), as the OpenAPI document declares it. */
export class ErrorBodyDto {
  @ApiProperty({ description: 'Stable machine code', example: 'VALIDATION_FAILED' })
  code!: string;

  @ApiProperty({ description: 'What went wrong, for people', example: 'amount: amount must not be negative' })
  message!: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'Machine-readable specifics (e.g. `fields` of a validation failure); amounts are decimal strings',
  })
  details?: Record<string, unknown>;

  @ApiProperty({ description: 'The request id (X-Request-Id) to quote to support', example: 'b7c9…' })
  requestId!: string;
}

/** Every error answer: `{success: false, error: {code, message, details?, requestId}}`. */
export class ErrorEnvelopeDto {
  @ApiProperty({ type: 'boolean', enum: [false], example: false })
  success!: false;

  @ApiProperty({ type: ErrorBodyDto })
  error!: ErrorBodyDto;
}

/** What each documented status means in this API, with the codes it carries. */
const MEANING: Record<number, string> = {
  400: 'Invalid request: VALIDATION_FAILED (naming each field), MALFORMED_JSON, IDEMPOTENCY_KEY_REQUIRED …',
  401: 'No valid access token (UNAUTHORIZED, INVALID_TOKEN, TOKEN_EXPIRED) or credentials',
  403: 'Not allowed: FORBIDDEN (an admin route), or the action needs verification',
  404: 'NOT_FOUND or a resource-specific code; another user’s id answers exactly like an unknown one',
  409: 'Conflict with the current state: IDEMPOTENCY_CONFLICT (same key still in flight) and others',
  413: 'PAYLOAD_TOO_LARGE: the body is over 100 kB',
  415: 'UNSUPPORTED_MEDIA_TYPE: the body is not JSON',
  422: 'Refused by the rules: INSUFFICIENT_FUNDS, LIMIT_EXCEEDED, IDEMPOTENCY_KEY_REUSED …',
  429: 'RATE_LIMITED: too many requests; `Retry-After` says when to try again',
  503: 'SERVICE_UNAVAILABLE / PROVIDER_UNAVAILABLE: try again later',
};

/**
 * Documents a route's error answers with the error envelope. 429 is always included: every route is rate
 * limited. Use it on a controller for the statuses all its routes share (401 for authenticated ones, 403 for
 * admin ones) and on each route for its own; an e2e test walks the OpenAPI document and fails when a route
 * lacks the statuses its shape implies (a body, a path parameter, a token, an Idempotency-Key).
 */
export function ApiErrorResponses(...statuses: number[]): ClassDecorator & MethodDecorator {
  const all = [...new Set([...statuses, 429])].sort((a, b) => a - b);
  return applyDecorators(
    ApiExtraModels(ErrorEnvelopeDto, ErrorBodyDto),
    ...all.map((status) =>
      ApiResponse({ status, description: MEANING[status] ?? 'Error', type: ErrorEnvelopeDto }),
    ),
  );
}
