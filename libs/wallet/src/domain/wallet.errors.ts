import { DomainError } from '#monay/kernel';

/** The operation needs a higher verification level than the account has. */
export class KycVerificationRequiredError extends DomainError {
  readonly code = 'KYC_VERIFICATION_REQUIRED';
  readonly kind = 'forbidden';
  constructor(requested: number) {
    super(`KYC level ${requested} needs verification; new wallets start at level 1`, {
      requestedLevel: requested,
    });
  }
}

/**
 * The feature (withdrawals, bank transfers, virtual cards, wires, …) needs a higher KYC tier than the user has;
 * details say which (`required`, `current`, as tier names and levels). Start verification with
 * `POST /api/user/kyc/start`.
 */
export class KycTierRequiredError extends DomainError {
  readonly code = 'KYC_TIER_REQUIRED';
  readonly kind = 'forbidden';
  constructor(
    feature: string,
    required: { level: number; name: string } | null,
    current: { level: number; name: string },
  ) {
    super(
      required
        ? `${feature} needs the ${required.name} tier; you are ${current.name}`
        : `${feature} is not available at any tier`,
      { feature, required, current },
    );
  }
}

export type LimitName = 'perTransaction' | 'daily' | 'monthly';

/** What a limit counts: money sent out (the default) or deposits. */
export type LimitScope = 'send' | 'deposit';

/** The amount would take the user past a per-transaction, daily or monthly limit (details say which). */
export class LimitExceededError extends DomainError {
  readonly code = 'LIMIT_EXCEEDED';
  readonly kind = 'unprocessable';
  constructor(
    limit: LimitName,
    details: { limitUSD: string; usedUSD: string; requestedUSD: string },
    scope: LimitScope = 'send',
  ) {
    const name = limit === 'perTransaction' ? 'per-transaction' : limit;
    super(`This would exceed your ${name}${scope === 'deposit' ? ' deposit' : ''} limit`, {
      limit,
      ...(scope === 'deposit' && { scope }),
      ...details,
    });
  }
}

/** Too many transfers in the current hour for the user’s tier. */
export class VelocityExceededError extends DomainError {
  readonly code = 'VELOCITY_EXCEEDED';
  readonly kind = 'unprocessable';
  constructor(maxPerHour: number) {
    super(`At most ${maxPerHour} transfers an hour at your KYC level`, { maxPerHour });
  }
}

/** A user may lower their limits, never raise them above their tier’s. */
export class LimitAboveTierError extends DomainError {
  readonly code = 'LIMIT_ABOVE_TIER';
  readonly kind = 'unprocessable';
  constructor(limit: LimitName, tierUSD: string) {
    super(`Your ${limit} limit cannot be above ${tierUSD} USD at your KYC level`, { limit, tierUSD });
  }
}
