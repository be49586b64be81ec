import type { HistoryLineType, HistoryStatus } from '#monay/insights';

/**
 * What the server sends on the `/ws` namespace (as immich's `ClientEventMap`). Every event that comes from a
 * domain event carries that event's id (`eventId`) so a client can drop duplicates (delivery is at least once,
 * and a replay through `GET /api/realtime/missed` may overlap the live stream). Amounts are decimal strings.
 */
export interface ServerToClientEvents {
  'balance.updated': (data: BalanceUpdated) => void;
  'transaction.updated': (data: TransactionUpdated) => void;
  'transfer.received': (data: TransferReceived) => void;
  /** A notification was added to the user's inbox (`GET /api/notifications`). */
  'notification.created': (data: NotificationCreated) => void;
  /** The user's verification moved on, or their KYC tier (and so their limits and features) changed. */
  'kyc.updated': (data: KycUpdated) => void;
  /** A card authorization moved on: approved, declined (with its code), cleared, released, refunded. */
  'card.authorization': (data: CardAuthorizationUpdated) => void;
  /** The member's points moved (earned, clawed back) or they reached a level or an achievement. */
  'rewards.updated': (data: RewardsUpdated) => void;
  /** A payment request the user made or was asked to pay was made, paid, reminded, declined, cancelled or expired. */
  'payment_request.updated': (data: PaymentRequestUpdated) => void;
  'system.alert': (data: SystemAlert) => void;
}

export interface CardAuthorizationUpdated {
  eventId: string;
  authorizationId: string;
  cardId: string;
  last4: string;
  status: 'approved' | 'declined' | 'cleared' | 'released' | 'refunded';
  /** In the funding currency. */
  amount: string;
  currency: string;
  merchant: { name: string; mcc: string };
  declineCode?: string;
}

/** Clients send nothing on `/ws`: it is a push channel. */
export type ClientToServerEvents = Record<string, never>;

/** What the middleware learned from the handshake's token, kept on `socket.data`. */
export interface SocketData {
  userId: string;
  sessionId: string;
  expiresAt: Date;
}

/** The user's balance in one currency as the ledger holds it when the event is sent (not as of the event). */
export interface BalanceUpdated {
  eventId: string;
  currency: string;
  available: string;
  pending: string;
  total: string;
}

/** A line of the user's transaction history (`GET /api/transactions`) was added or changed. */
export interface TransactionUpdated {
  eventId: string;
  /**
   * The id `GET /api/transactions` lists: the transfer id, the deposit's or withdrawal's id (a provider
   * movement), or the ledger transaction id of a deposit made before deposits went through providers.
   */
  id: string;
  type: HistoryLineType;
  /** `processing`: a deposit, withdrawal or swap under way at a provider. */
  status: HistoryStatus;
  amount: string;
  fee: string;
  currency: string;
  /** The sender of money received (`userId`), or the recipient of money sent as the sender typed it, masked. */
  counterparty: { userId: string } | { displayName: string } | null;
  batchId: string | null;
  /** Why it failed, when `status` is `failed`. */
  failureCode?: string;
}

/** Money from another Monay user arrived. */
export interface TransferReceived {
  eventId: string;
  id: string;
  from: { userId: string };
  amount: string;
  currency: string;
  note: string | null;
  batchId: string | null;
}

export interface NotificationCreated {
  eventId: string;
  /** The notification's id, as `GET /api/notifications` lists it. */
  id: string;
  /** e.g. `recurring.reminder`, `recurring.succeeded`, `recurring.skipped`, `recurring.paused`. */
  kind: string;
  title: string;
  body: string;
  data: Record<string, unknown>;
  createdAt: string;
}

/** A verification inquiry's new status (`inquiry`), or a tier change (`tier`: up on approval, down on revocation). */
export interface PaymentRequestUpdated {
  eventId: string;
  id: string;
  /** `created`, `reminded`, or the request's status after the change (`paid`, `partially_paid`, `declined` …). */
  change: string;
  direction: 'incoming' | 'outgoing';
  amount: string | null;
  currency: string;
  transferId?: string;
}

export type KycUpdated =
  | {
      eventId: string;
      kind: 'inquiry';
      inquiryId: string;
      targetTier: number;
      status: string;
      reasons: string[];
    }
  | {
      eventId: string;
      kind: 'tier';
      tier: { level: number; name: string };
      previous: { level: number; name: string };
      direction: 'up' | 'down';
      reason: string;
    };

/** Not tied to a domain event: e.g. `TOKEN_EXPIRED` just before the server closes the socket. */
export interface SystemAlert {
  code: string;
  message: string;
}

export type RealtimeEventName = keyof ServerToClientEvents;

export type RealtimePayload<E extends RealtimeEventName> = Parameters<ServerToClientEvents[E]>[0];

/** One event as the socket sends it, and as the missed-events endpoint lists it. */
export type RealtimeMessage = {
  [E in RealtimeEventName]: { event: E; data: RealtimePayload<E> };
}[RealtimeEventName];

/** A change in the member's rewards: read `GET /api/rewards/balance` for the new totals. */
export type RewardsUpdated =
  | { eventId: string; kind: 'earned'; points: string; status: 'pending' | 'available'; reason: string }
  | {
      eventId: string;
      kind: 'clawed_back';
      points: string;
      outcome: 'cancelled' | 'clawed_back';
      reason: string;
    }
  | { eventId: string; kind: 'level'; level: string; previous: string; perk: string }
  | { eventId: string; kind: 'achievement'; achievementId: string; name: string; points: string };
