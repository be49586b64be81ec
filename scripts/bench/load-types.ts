import type { LatencySummary } from './stats';

/** What the load worker needs of a seeded user: its id (the transfer's `to`) and its access token. */
export interface LoadUser {
  id: string;
  token: string;
}

/** A request as it was sent, kept so that the replay phase can send it again with the same key and body. */
export interface RecordedRequest {
  user: number;
  key: string;
  body: string;
}

/** A transfer the realtime phase sent, as its 201 response described it (epoch milliseconds, this machine's clock). */
export interface SentTransfer {
  id: string;
  /** The recipient's user id, whose socket should receive `transfer.received`. */
  to: string;
  /** The transfer's `completedAt` (set by the API inside the transaction, just before its commit). */
  completedAt: number;
  /** When the load generator had the whole 201 response (after the commit). */
  respondedAt: number;
}

/**
 * `realtime`: uniform senders paying only the `recipients`, whose sockets listen; every 201 is kept.
 * `withdraw` / `swap`: a random user withdraws `transferAmount` USDC to a bank account, or swaps it to USDT
 * (scripts/bench/provider-flows.ts).
 */
export type LoadMode = 'uniform' | 'hot' | 'replay' | 'realtime' | 'withdraw' | 'swap';

export interface LoadSpec {
  label: string;
  baseUrl: string;
  path: string;
  mode: LoadMode;
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationSeconds: number;
  /** Exact number of requests (the replay phase). */
  amount?: number;
  /** Requests per second across all connections (autocannon `overallRate`), paced evenly per connection. */
  overallRate?: number;
  users: LoadUser[];
  /** The payee of the hot-account phase. */
  merchant?: LoadUser;
  /** The payees of the realtime phase: indexes into `users`. */
  recipients?: number[];
  /** Transfer (withdrawal, swap) amount, a decimal string of USDC. */
  transferAmount: string;
  /** Keep every 201 request (key and body) for the replay phase. */
  record: boolean;
  replays?: RecordedRequest[];
  timeoutSeconds: number;
}

export interface LoadResult {
  label: string;
  mode: LoadMode;
  connections: number;
  overallRate: number | null;
  seconds: number;
  responses: number;
  ok2xx: number;
  non2xx: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  /** 2xx responses per second. */
  rps: number;
  latency: LatencySummary;
  errorSamples: string[];
  recorded: RecordedRequest[];
  /** The realtime phase's 201 transfers. */
  transfers?: SentTransfer[];
  replay?: { replayedHeader: number; missingHeader: number; not201: number };
}
