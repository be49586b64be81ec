import { defineEvents } from '#monay/shared';
import type { WalletCreditedPayload } from './wallet-credited.event';

export * from './wallet-credited.event';

/** Every event of the wallet context (docs/architecture.md, "Events and the outbox"). */
export interface WalletEvents {
  WalletCredited: WalletCreditedPayload;
}

export const walletEvents = defineEvents<WalletEvents>('wallet', {
  WalletCredited: { version: 1 },
});

declare module '#monay/shared' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface DomainEvents extends WalletEvents {}
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- declaration merging
  interface MoneyMovementEvents extends WalletEvents {}
}
