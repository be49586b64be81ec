import { Inject, Injectable, Optional } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { TooManyAttemptsError } from '../../domain/identity.errors';

/**
 * Counts attempts per account in the rate limiter's storage (Redis across replicas with REDIS_URL, memory
 * otherwise): verification codes sent, second-factor codes tried. Past the limit: 429 RATE_LIMITED with
 * Retry-After. A process without the HTTP platform (the worker) counts in memory.
 */
@Injectable()
export class AttemptLimiter {
  private readonly storage: ThrottlerStorage;

  constructor(@Optional() @Inject(ThrottlerStorage) storage?: ThrottlerStorage) {
    this.storage = storage ?? new ThrottlerStorageService();
  }

  /** One more attempt of `bucket` for `key`: at most `limit` per `windowMs`, else TooManyAttemptsError. */
  async hit(bucket: string, key: string, limit: number, windowMs: number, what: string): Promise<void> {
    const record = await this.storage.increment(`${bucket}:${key}`, windowMs, limit, windowMs, bucket);
    if (record.isBlocked || record.totalHits > limit) {
      throw new TooManyAttemptsError(
        what,
        record.timeToBlockExpire || record.timeToExpire || windowMs / 1000,
      );
    }
  }
}
