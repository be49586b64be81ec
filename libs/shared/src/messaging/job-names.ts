/**
 * Every background job, typed by name (STYLE.md: jobs are typed by name, producers never import
 * processors). A job belongs to one queue; its payload type is fixed here.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Ledger = 'ledger',
  RecurringTransfers = 'recurring-transfers',
  Providers = 'providers',
  /** One job per (notification, channel): email, SMS and push deliveries, retried on transient vendor errors. */
  NotificationDeliveries = 'notification-deliveries',
  /** Jobs that failed every attempt, kept for an admin to inspect and re-drive. Nothing processes it. */
  DeadLetter = 'dead-letter',
}

export enum JobName {
  PurgeExpiredSessions = 'identity.purge-expired-sessions',
  MaintainTables = 'database.maintain-tables',
  ExpireHolds = 'ledger.expire-holds',
  ReconcileLedger = 'ledger.reconcile',
  SealLedger = 'ledger.seal',
  RunRecurringTransfer = 'transfers.run-recurring-transfer',
  RetryRecurringTransfer = 'transfers.retry-recurring-transfer',
  RemindRecurringTransfer = 'transfers.remind-recurring-transfer',
  CreateProviderWallets = 'providers.create-provider-wallets',
  PollProviderTransactions = 'providers.poll-provider-transactions',
  ReconcileProviders = 'providers.reconcile',
  WatchTempoDeposits = 'providers.watch-tempo-deposits',
  RecordReferencePrices = 'insights.record-reference-prices',
  DeliverNotification = 'notifications.deliver',
  DeliverNotifications = 'notifications.deliver-batch',
  ExpireKycInquiries = 'kyc.expire-inquiries',
  SettleBankTransfers = 'banking.settle-bank-transfers',
  ExpireCardAuthorizations = 'cards.expire-authorizations',
  RunRewardsDueWork = 'rewards.due-work',
  ExpirePaymentRequests = 'transfers.expire-payment-requests',
  SweepP2pInvites = 'transfers.sweep-p2p-invites',
  RunAutoBalance = 'providers.run-auto-balance',
}

export interface JobPayloads {
  [JobName.PurgeExpiredSessions]: { retentionDays: number };
  /** Vacuums and analyzes the tables past autovacuum's thresholds, where the database has no autovacuum. */
  [JobName.MaintainTables]: Record<string, never>;
  /** Voids (as 'expired') at most `limit` pending ledger holds past their expiry. */
  [JobName.ExpireHolds]: { limit: number };
  /** Checks every ledger invariant and that the read models agree with the ledger. */
  [JobName.ReconcileLedger]: Record<string, never>;
  /** Appends hash-chained blocks sealing the committed journal (at most `maxBlocks` blocks per run). */
  [JobName.SealLedger]: { maxBlocks: number };
  /** One occurrence of a recurring transfer schedule. */
  [JobName.RunRecurringTransfer]: { scheduleId: string };
  /** Attempt `attempt` (2, 3 …) of an occurrence whose earlier attempt was refused for funds or limits. */
  [JobName.RetryRecurringTransfer]: { scheduleId: string; occurrenceAt: string; attempt: number };
  /** Tells the payer an occurrence is coming, if it is still planned. */
  [JobName.RemindRecurringTransfer]: { scheduleId: string; occurrenceAt: string };
  /** Opens the user's wallets at the providers (Tempo primary, Circle backup); idempotent per user and provider. */
  [JobName.CreateProviderWallets]: { userId: string };
  /** Asks the providers about money movements still pending; resolves (posts or voids) stuck ones. */
  [JobName.PollProviderTransactions]: { limit: number };
  /** Provider balances vs the ledger's clearing accounts, plus the ledger invariants; stores a report. */
  [JobName.ReconcileProviders]: { trigger: 'schedule' | 'admin'; reportId?: string };
  /** On-chain mode: reads Transfer logs to deposit addresses from the stored cursor and credits them once. */
  [JobName.WatchTempoDeposits]: Record<string, never>;
  /** Records the configured USD reference prices as the new UTC day's (a day's price, once set, never changes). */
  [JobName.RecordReferencePrices]: Record<string, never>;
  /** Sends one delivery (a notification through one channel); idempotent: a sent delivery is not sent again. */
  [JobName.DeliverNotification]: { deliveryId: string };
  /**
   * The first attempt of each of these deliveries, together (one claim, one contact read, one status update);
   * one that fails for a reason worth retrying goes on as its own DeliverNotification job.
   */
  [JobName.DeliverNotifications]: { deliveryIds: string[] };
  /** Asks the KYC vendor about open inquiries past their expiry (and what else is due at the sandbox vendor). */
  [JobName.ExpireKycInquiries]: { limit: number };
  /** Asks the bank rail about transfers due for a check (settlement, late returns); sends unsent ones. */
  [JobName.SettleBankTransfers]: { limit: number };
  /** The sandbox card network expires uncaptured authorizations past their expiry (and tells the issuer's webhook). */
  [JobName.ExpireCardAuthorizations]: Record<string, never>;
  /** Vests points whose lock period is over, expires old lots, tells members of coming expiries, decides referrals. */
  [JobName.RunRewardsDueWork]: { limit: number };
  /** Closes payment requests past their expiry (also a due-work sweeper). */
  [JobName.ExpirePaymentRequests]: { limit: number };
  /** Voids invites past their claim window and claims those a verified user may have (P2P to unknown recipients). */
  [JobName.SweepP2pInvites]: { limit: number };
  /** Rebalances the wallets of users with auto-balance on that are due (at most once per interval each). */
  [JobName.RunAutoBalance]: { limit: number };
}

export const queueOfJob: Record<JobName, QueueName> = {
  [JobName.PurgeExpiredSessions]: QueueName.Maintenance,
  [JobName.MaintainTables]: QueueName.Maintenance,
  [JobName.ExpireHolds]: QueueName.Ledger,
  [JobName.ReconcileLedger]: QueueName.Ledger,
  [JobName.SealLedger]: QueueName.Ledger,
  [JobName.RunRecurringTransfer]: QueueName.RecurringTransfers,
  [JobName.RetryRecurringTransfer]: QueueName.RecurringTransfers,
  [JobName.RemindRecurringTransfer]: QueueName.RecurringTransfers,
  [JobName.CreateProviderWallets]: QueueName.Providers,
  [JobName.PollProviderTransactions]: QueueName.Providers,
  [JobName.ReconcileProviders]: QueueName.Providers,
  [JobName.WatchTempoDeposits]: QueueName.Providers,
  [JobName.RecordReferencePrices]: QueueName.Maintenance,
  [JobName.DeliverNotification]: QueueName.NotificationDeliveries,
  [JobName.DeliverNotifications]: QueueName.NotificationDeliveries,
  [JobName.ExpireKycInquiries]: QueueName.Maintenance,
  [JobName.SettleBankTransfers]: QueueName.Maintenance,
  [JobName.ExpireCardAuthorizations]: QueueName.Maintenance,
  [JobName.RunRewardsDueWork]: QueueName.Maintenance,
  [JobName.ExpirePaymentRequests]: QueueName.Maintenance,
  [JobName.SweepP2pInvites]: QueueName.Maintenance,
  [JobName.RunAutoBalance]: QueueName.Providers,
};

/** What the dead-letter queue keeps of a job that exhausted its attempts. */
export interface DeadLetter {
  queue: QueueName;
  name: JobName;
  jobId: string;
  payload: unknown;
  failedReason: string;
  attemptsMade: number;
  failedAt: string;
}
