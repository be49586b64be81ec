import { Injectable } from '@nestjs/common';
import { JobName, OnJob, type JobPayloads } from '#monay/shared';
import { ProviderWallets } from './provider-wallets';

/**
 * After onboarding: opens the user's wallets at Tempo (primary) and Circle. A provider that fails makes the
 * job fail, and BullMQ retries it with backoff (the enqueuer sets the attempts); what exists is kept.
 */
@Injectable()
export class CreateProviderWalletsProcessor {
  constructor(private readonly wallets: ProviderWallets) {}

  @OnJob(JobName.CreateProviderWallets)
  async create({ userId }: JobPayloads[JobName.CreateProviderWallets]): Promise<{ wallets: string[] }> {
    const opened = await this.wallets.openFor(userId);
    return { wallets: opened.map((wallet) => wallet.provider) };
  }
}
