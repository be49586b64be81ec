import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import QRCode from 'qrcode';
import { Money, parseAmountInput, type CurrencyCode } from '#monay/kernel';
import { ExternalPayments } from '#monay/providers';
import { AppConfig, Clock } from '#monay/shared';
import { isWalletAddress, WalletAccess } from '#monay/wallet';
import { FeeSchedule } from '../../domain/fee-schedule';
import { isPayable } from '../../domain/payment-request';
import { parseEip681, parseReceiveCode, requestTokenOf, signReceiveCode } from '../../domain/payment-codes';
import { QrExpiredError, QrFormatUnknownError, QrRequestUnavailableError } from '../../domain/qr-code.errors';
import { maskRecipient } from '../../domain/recipient-ref';
import { PaymentRequestRepository } from '../../infrastructure/payment-request.repository';
import { RecipientResolver } from '../recipient-resolver';

export interface ScanAnswer {
  kind: 'receive' | 'payment_request' | 'eip681';
  recipient: { displayName: string };
  amount: string | null;
  currency: string;
  fee: string | null;
  /** Whether paying this amount needs a fresh second factor (above STEP_UP_AMOUNT_USD; 2FA users may need one for a new recipient too). */
  stepUpRequired: boolean;
  /** How to pay it: the route and the body to send (with an Idempotency-Key). */
  pay: { method: 'POST'; path: string; body: Record<string, string> };
  paymentRequest?: { id: string; note: string | null; expiresAt: string; open: boolean };
  note?: string | null;
}

/**
 * QR codes: a user's receive code (a `monay:` URI, signed with a server key so that its amount, currency or note
 * cannot be altered) as data and image; and scanning one of ours, a payment-request link or an EIP-681 URI into
 * what paying it would do, moving nothing.
 */
@Injectable()
export class QrCodes {
  private readonly key: Buffer;
  private readonly fees: FeeSchedule;
  private readonly stepUpAmountUsd: Money;

  constructor(
    private readonly wallets: WalletAccess,
    private readonly recipients: RecipientResolver,
    private readonly requests: PaymentRequestRepository,
    private readonly payments: ExternalPayments,
    private readonly clock: Clock,
    config: AppConfig,
  ) {
    this.key = createHmac('sha256', config.auth.accessSecret).update('transfers:qr-receive').digest();
    this.fees = new FeeSchedule(config.fees);
    this.stepUpAmountUsd = Money.parse(config.security.stepUpAmountUsd, 'USD');
  }

  async receive(
    userId: string,
    input: { amount: Money | null; currency: CurrencyCode; note: string | null },
  ) {
    const wallet = await this.wallets.ensureWallet(userId);
    const payload = signReceiveCode(this.key, {
      address: wallet.address,
      currency: input.currency,
      amount: input.amount?.toDecimalString() ?? null,
      note: input.note,
    });
    const [png, svg] = await Promise.all([
      QRCode.toDataURL(payload, { errorCorrectionLevel: 'M', margin: 2, width: 320 }),
      QRCode.toString(payload, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }),
    ]);
    return {
      payload,
      address: wallet.address,
      currency: input.currency,
      amount: input.amount?.toDecimalString() ?? null,
      note: input.note,
      image: { png, svg },
    };
  }

  async scan(userId: string, text: string): Promise<ScanAnswer> {
    const payload = text.trim();
    if (/^monay:/i.test(payload)) return this.scanReceive(userId, payload);
    if (/^ethereum:/i.test(payload)) return this.scanEip681(userId, payload);
    const token = requestTokenOf(payload);
    if (token) return this.scanRequest(userId, token);
    throw new QrFormatUnknownError('not a Monay code, payment-request link or EIP-681 URI');
  }

  private async scanReceive(userId: string, text: string): Promise<ScanAnswer> {
    const code = parseReceiveCode(this.key, text, isWalletAddress);
    const currency = code.currency as CurrencyCode;
    const amount = code.amount === null ? null : this.amountOf(code.amount, currency);
    const [recipient] = await this.recipients.resolveMany(userId, [code.address]);
    if (!recipient.ok) throw recipient.error;
    return {
      kind: 'receive',
      recipient: { displayName: recipient.displayName },
      amount: amount?.toDecimalString() ?? null,
      currency,
      fee: this.fees.p2p(currency).toDecimalString(),
      stepUpRequired: amount !== null && this.aboveStepUp(amount),
      note: code.note,
      pay: {
        method: 'POST',
        path: '/api/p2p-transfer/send',
        body: {
          to: code.address,
          currency,
          ...(amount && { amount: amount.toDecimalString() }),
          ...(code.note !== null && { note: code.note }),
        },
      },
    };
  }

  private async scanRequest(userId: string, token: string): Promise<ScanAnswer> {
    const request = await this.requests.findByToken(token);
    if (!request || (request.payerUserId !== null && request.payerUserId !== userId)) {
      throw new QrRequestUnavailableError('unknown');
    }
    if (
      request.status === 'expired' ||
      (isPayable(request.status) && request.expiresAt <= this.clock.now())
    ) {
      throw new QrExpiredError();
    }
    if (!isPayable(request.status)) throw new QrRequestUnavailableError(request.status);
    const currency = request.currency as CurrencyCode;
    const requester = await this.wallets.findByUserId(request.requesterUserId);
    if (!requester) throw new QrRequestUnavailableError('unknown');
    const [recipient] = await this.recipients.resolveMany(userId, [requester.address]);
    if (!recipient.ok) throw recipient.error;
    const amount = request.amount === null ? null : Money.of(request.amount, currency);
    return {
      kind: 'payment_request',
      recipient: { displayName: maskRecipient(requester.address) },
      amount: amount?.toDecimalString() ?? null,
      currency,
      fee: this.fees.p2p(currency).toDecimalString(),
      stepUpRequired: amount !== null && this.aboveStepUp(amount),
      paymentRequest: {
        id: request.id,
        note: request.note,
        expiresAt: request.expiresAt.toISOString(),
        open: request.payerUserId === null,
      },
      pay: {
        method: 'POST',
        path: `/api/payment-requests/${request.id}/pay`,
        body: amount ? {} : { amount: '<the amount you choose>' },
      },
    };
  }

  private async scanEip681(userId: string, text: string): Promise<ScanAnswer> {
    const parsed = parseEip681(text);
    const currency = parsed.currency as CurrencyCode;
    const amount = parsed.minor === null ? null : Money.of(parsed.minor, currency);
    if (amount && amount.minor > amount.currency.maxPerMovement)
      throw new QrFormatUnknownError('amount too large');
    const estimate = amount ? await this.payments.estimate(userId, amount) : null;
    return {
      kind: 'eip681',
      recipient: { displayName: maskRecipient(parsed.to) },
      amount: amount?.toDecimalString() ?? null,
      currency,
      // What a send would hold on top of the amount: the highest fee a provider may charge.
      fee: estimate?.maxFee ?? null,
      stepUpRequired: amount !== null && this.aboveStepUp(amount),
      pay: {
        method: 'POST',
        path: '/api/p2p-transfer/send',
        body: { to: parsed.to, currency, ...(amount && { amount: amount.toDecimalString() }) },
      },
    };
  }

  private amountOf(text: string, currency: CurrencyCode): Money {
    try {
      return parseAmountInput(text, currency, { field: 'amount' });
    } catch {
      throw new QrFormatUnknownError('malformed amount');
    }
  }

  private aboveStepUp(amount: Money): boolean {
    return this.wallets.usdValue(amount).minor > this.stepUpAmountUsd.minor;
  }
}
