import { defineEvents } from '#monay/shared';
import type {
  CardAuthorizationApprovedPayload,
  CardAuthorizationClearedPayload,
  CardAuthorizationDeclinedPayload,
  CardAuthorizationReleasedPayload,
  CardIssuedPayload,
  CardRefundedPayload,
  CardStateChangedPayload,
} from './card.events';

export * from './card.events';

/** Card spend: each is a money movement (a history line, the portfolio, the socket). */
export interface CardMovementEvents {
  CardAuthorizationApproved: CardAuthorizationApprovedPayload;
  CardAuthorizationDeclined: CardAuthorizationDeclinedPayload;
  CardAuthorizationCleared: CardAuthorizationClearedPayload;
  CardAuthorizationReleased: CardAuthorizationReleasedPayload;
  CardRefunded: CardRefundedPayload;
}

/** Every event of the cards context. PAN and CVV are never in any of them: only the last 4. */
export interface CardEvents extends CardMovementEvents {
  CardIssued: CardIssuedPayload;
  CardStateChanged: CardStateChangedPayload;
}

export const cardEvents = defineEvents<CardEvents>('cards', {
  CardAuthorizationApproved: { version: 1 },
  CardAuthorizationDeclined: { version: 1 },
  CardAuthorizationCleared: { version: 1 },
  CardAuthorizationReleased: { version: 1 },
  CardRefunded: { version: 1 },
  CardIssued: { version: 1 },
  CardStateChanged: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends CardEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends CardMovementEvents {}
}
