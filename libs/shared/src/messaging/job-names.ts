/**
 * Every background job, typed by name (STYLE.md: jobs are typed by name, producers never import
 * processors). A job belongs to one queue; its payload type is fixed here.
 */
export enum QueueName {
  Maintenance = 'maintenance',
  Ledger = 'ledger',
}

export enum JobName {
  PurgeExpiredSessions = 'identity.purge-expired-sessions',
  ExpireHolds = 'ledger.expire-holds',
}

export interface JobPayloads {
  [JobName.PurgeExpiredSessions]: { retentionDays: number };
  /** Voids (as 'expired') at most `limit` pending ledger holds past their expiry. */
  [JobName.ExpireHolds]: { limit: number };
}

export const queueOfJob: Record<JobName, QueueName> = {
  [JobName.PurgeExpiredSessions]: QueueName.Maintenance,
  [JobName.ExpireHolds]: QueueName.Ledger,
};
