/**
 * Every background job, typed by name (STYLE.md: jobs are typed by name, producers never import
 * processors). A job belongs to one queue; its payload type is fixed here.
 */
export enum QueueName {
  Maintenance = 'maintenance',
}

export enum JobName {
  PurgeExpiredSessions = 'identity.purge-expired-sessions',
}

export interface JobPayloads {
  [JobName.PurgeExpiredSessions]: { retentionDays: number };
}

export const queueOfJob: Record<JobName, QueueName> = {
  [JobName.PurgeExpiredSessions]: QueueName.Maintenance,
};
