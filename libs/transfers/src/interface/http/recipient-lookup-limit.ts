import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  Optional,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { catchError, from, mergeMap, type Observable, throwError } from 'rxjs';
import type { AuthUser } from '#monay/identity';
import { AppConfig } from '#monay/shared';
import {
  BatchRecipientInvalidError,
  RecipientLookupLimitError,
  RecipientNotFoundError,
} from '../../domain/transfer.errors';

const LOOKUP_MODE = 'monay:recipient-lookup-mode';
const HOUR_MS = 3_600_000;

/**
 * `every`: the route is a lookup (p2p-transfer/validate): each call counts. `unknown`: the route sends money
 * (or sets up a schedule that will); only an answer that no user matches what was typed counts, so a sender
 * probing emails or phones through it runs out as fast as through validate, while real payments never do.
 */
type LookupMode = 'every' | 'unknown';

/**
 * Recipient lookups per user per hour (RECIPIENT_LOOKUP_LIMIT_PER_HOUR), counted in the throttler's storage:
 * Redis across API replicas when REDIS_URL is set, memory otherwise. Past it: 429 RATE_LIMITED with
 * Retry-After, for the rest of the hour. Counted after authentication, per user id (never per token claim a
 * client could forge), which is why it is an interceptor and not one of the throttler guard's throttlers: that
 * guard runs before the JWT guard.
 */
@Injectable()
export class RecipientLookupLimit implements NestInterceptor {
  private readonly storage: ThrottlerStorage;

  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
    // Optional: a process without the HTTP platform (the worker) builds this interceptor but never runs it.
    @Optional() @Inject(ThrottlerStorage) storage?: ThrottlerStorage,
  ) {
    this.storage = storage ?? new ThrottlerStorageService();
  }

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const mode = this.reflector.get<LookupMode | undefined>(LOOKUP_MODE, context.getHandler());
    const user = context.switchToHttp().getRequest<{ user?: AuthUser }>().user;
    if (!mode || !user || !this.storage) return next.handle();
    if (mode === 'every') await this.count(user.userId);
    return next
      .handle()
      .pipe(
        catchError((error: unknown) =>
          mode === 'unknown' && isUnknownRecipient(error)
            ? from(this.count(user.userId)).pipe(mergeMap(() => throwError(() => error)))
            : throwError(() => error),
        ),
      );
  }

  private async count(userId: string): Promise<void> {
    if (!this.storage) return;
    const limit = this.config.recipientLookupLimitPerHour;
    const record = await this.storage.increment(
      `recipient-lookup:${userId}`,
      HOUR_MS,
      limit,
      HOUR_MS,
      'recipient-lookup',
    );
    if (record.isBlocked || record.totalHits > limit) {
      throw new RecipientLookupLimitError(limit, record.timeToBlockExpire || record.timeToExpire || 3600);
    }
  }
}

function isUnknownRecipient(error: unknown): boolean {
  if (error instanceof RecipientNotFoundError) return true;
  return error instanceof BatchRecipientInvalidError && error.details?.reason === 'RECIPIENT_NOT_FOUND';
}

/** Counts this route's recipient lookups against the user's hourly budget (see {@link RecipientLookupLimit}). */
export function LimitsRecipientLookups(mode: LookupMode): MethodDecorator {
  return applyDecorators(SetMetadata(LOOKUP_MODE, mode), UseInterceptors(RecipientLookupLimit));
}
