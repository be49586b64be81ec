import type { Money } from '#monay/kernel';

/** What a risky operation is, as the contexts that perform it name it. */
export type StepUpOperation =
  | 'p2p_transfer'
  | 'batch_transfer'
  | 'external_transfer'
  | 'withdrawal'
  | 'raise_limits'
  | 'disable_2fa'
  | 'reveal_card_details';

/** How a user may give a fresh second factor. */
export type StepUpMethod = 'totp' | 'recovery_code' | 'email_code' | 'sms_code';

export type StepUpReason =
  | 'amount_above_threshold'
  | 'new_recipient'
  | 'new_destination'
  | 'raise_limits'
  | 'disable_2fa'
  | 'reveal_card_details';

/** The facts the policy decides on. Every one is gathered by the context performing the operation, but 2FA. */
export interface StepUpFacts {
  operation: StepUpOperation;
  /** Whether the user has two-factor authentication on (identity knows). */
  has2fa: boolean;
  /** The operation's total in USD (scale 2), or null when it moves no money (raising limits). */
  amountUsd: Money | null;
  /** A payment to a Monay user the sender never completed a transfer to. */
  newRecipient: boolean;
  /** A payout to a bank account, card or 0x address the user never completed one to. */
  newDestination: boolean;
  /** The recipient is a trusted contact (always false until contacts exist). */
  trustedContact: boolean;
}

export interface StepUpThresholds {
  /** Above this, every user steps up (STEP_UP_AMOUNT_USD). */
  amountUsd: Money;
  /** Users with 2FA: a first payment to a new recipient above this steps up (STEP_UP_NEW_RECIPIENT_MIN_USD). */
  newRecipientMinUsd: Money;
}

export type StepUpDecision = { required: false } | { required: true; reasons: StepUpReason[] };

/**
 * When a money move (or a sensitive change) needs a fresh second factor, without friction for everyday payments.
 *
 * - Users with 2FA (they asked for it): a first payment to a new recipient above STEP_UP_NEW_RECIPIENT_MIN_USD
 *   (trusted contacts exempt), any payout to a new external destination, any amount above STEP_UP_AMOUNT_USD,
 *   raising limits, disabling 2FA, revealing card details.
 * - Users without 2FA: amounts above STEP_UP_AMOUNT_USD (a payout to a new destination above it is one of
 *   those) and revealing card details, confirmed by a code sent to a verified email or phone. Everything else
 *   goes through as before.
 *
 * Monotonic: a fact turning true (a new recipient, 2FA on, a larger amount) never lifts a requirement. Callers
 * rely on it to skip gathering costly facts that could not change the answer.
 */
export function decideStepUp(facts: StepUpFacts, thresholds: StepUpThresholds): StepUpDecision {
  const reasons: StepUpReason[] = [];
  const amount = facts.amountUsd;
  if (amount !== null && amount.greaterThan(thresholds.amountUsd)) reasons.push('amount_above_threshold');
  if (facts.has2fa) {
    const paysSomeone = facts.operation === 'p2p_transfer' || facts.operation === 'batch_transfer';
    if (
      paysSomeone &&
      facts.newRecipient &&
      !facts.trustedContact &&
      amount !== null &&
      amount.greaterThan(thresholds.newRecipientMinUsd)
    ) {
      reasons.push('new_recipient');
    }
    if (facts.newDestination) reasons.push('new_destination');
    if (facts.operation === 'raise_limits') reasons.push('raise_limits');
    if (facts.operation === 'disable_2fa') reasons.push('disable_2fa');
  }
  // A card's PAN and CVV are shown only after a fresh second factor, whoever asks (with or without 2FA: a code
  // sent to a verified email or phone).
  if (facts.operation === 'reveal_card_details') reasons.push('reveal_card_details');
  return reasons.length === 0 ? { required: false } : { required: true, reasons };
}

/**
 * How the user may step up: with 2FA, the authenticator (or a recovery code, for a lost phone); without it, a
 * code sent to each verified channel. None when nothing is verified (the user verifies an email first).
 */
export function stepUpMethods(account: {
  has2fa: boolean;
  emailVerified: boolean;
  phoneVerified: boolean;
}): StepUpMethod[] {
  if (account.has2fa) return ['totp', 'recovery_code'];
  const methods: StepUpMethod[] = [];
  if (account.emailVerified) methods.push('email_code');
  if (account.phoneVerified) methods.push('sms_code');
  return methods;
}
