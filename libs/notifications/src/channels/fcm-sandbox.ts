import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { SandboxModes } from './sandbox-modes';

/** FCM v1's `messages:send` body, as much of it as we send. */
export interface FcmMessage {
  token: string;
  notification: { title: string; body: string };
  data: Record<string, string>;
}

export type FcmErrorCode =
  'UNREGISTERED' | 'INVALID_ARGUMENT' | 'QUOTA_EXCEEDED' | 'UNAVAILABLE' | 'INTERNAL' | 'SENDER_ID_MISMATCH';

/** FCM's error answer: an HTTP status and `error.details[].errorCode`. */
export class FcmError extends Error {
  constructor(
    readonly status: number,
    readonly code: FcmErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** FCM refuses a message whose payload is over 4096 bytes. */
export const FCM_MAX_PAYLOAD_BYTES = 4096;

/**
 * An FCM-shaped push sandbox (`POST /v1/projects/{p}/messages:send`). Test tokens drive the outcome by their
 * prefix: `unregistered…` 404 UNREGISTERED (the app was uninstalled: delete the token), `quota…` 429
 * QUOTA_EXCEEDED, `unavailable…` 503 UNAVAILABLE, `invalid…` 400 INVALID_ARGUMENT; any other token is accepted.
 * An outage answers 503 UNAVAILABLE to every token. FCM reports no delivery: a send is all it tells.
 */
@Injectable()
export class FcmSandbox {
  constructor(private readonly modes: SandboxModes) {}

  async send(message: FcmMessage): Promise<{ name: string }> {
    if ((await this.modes.of('push')) === 'outage')
      throw new FcmError(503, 'UNAVAILABLE', 'The service is unavailable');
    const size = Buffer.byteLength(
      JSON.stringify({ notification: message.notification, data: message.data }),
    );
    if (size > FCM_MAX_PAYLOAD_BYTES) {
      throw new FcmError(
        400,
        'INVALID_ARGUMENT',
        `Message is too big: ${size} bytes (max ${FCM_MAX_PAYLOAD_BYTES})`,
      );
    }
    const token = message.token.toLowerCase();
    if (token.startsWith('unregistered'))
      throw new FcmError(404, 'UNREGISTERED', 'Requested entity was not found.');
    if (token.startsWith('quota')) throw new FcmError(429, 'QUOTA_EXCEEDED', 'Sending rate exceeded.');
    if (token.startsWith('unavailable')) throw new FcmError(503, 'UNAVAILABLE', 'The service is unavailable');
    if (token.startsWith('invalid'))
      throw new FcmError(400, 'INVALID_ARGUMENT', 'The registration token is not valid');
    return { name: `projects/monay-sandbox/messages/${randomBytes(8).toString('hex')}` };
  }
}
