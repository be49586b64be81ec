import { Command } from '@nestjs/cqrs';
import type { RegisteredUser } from '#monay/identity';
import type { LimitsReport } from '../../queries/get-limits/get-limits.query';
import type { WalletView } from '../../wallet-access';

export interface OnboardedConsumer extends RegisteredUser {
  wallet: WalletView;
  limits: LimitsReport;
}

export class OnboardConsumerCommand extends Command<OnboardedConsumer> {
  constructor(
    readonly email: string,
    readonly password: string,
    readonly phone: string | undefined,
    readonly kycLevel: number | undefined,
    readonly client: { userAgent?: string; ip?: string },
  ) {
    super();
  }
}
