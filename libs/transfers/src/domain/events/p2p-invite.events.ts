/**
 * Money sent to an email or phone no Monay user has (`inviteIfUnknown`): `amount + fee` is held on the sender's
 * wallet (it counts against their available balance and limits) until someone who verifies that address claims it
 * (then a FundsTransferred with `transferId` = `inviteId` posts it), or it is voided. The sender's history shows it
 * as a pending transfer out.
 */
export const InviteTransferPending = 'InviteTransferPending';

export interface InviteTransferPendingPayload extends Record<string, unknown> {
  inviteId: string;
  senderId: string;
  /** The email or phone the sender typed; the sender is shown its masked form. */
  recipientRef: string;
  currency: string;
  amount: string;
  fee: string;
  note: string | null;
  holdId: string;
  expiresAt: string;
}

/** The invitation's money went back to the sender: no one claimed it in time (`expired`), or the sender cancelled. */
export const InviteTransferVoided = 'InviteTransferVoided';

export interface InviteTransferVoidedPayload extends Record<string, unknown> {
  inviteId: string;
  senderId: string;
  recipientRef: string;
  currency: string;
  amount: string;
  reason: 'expired' | 'cancelled';
  at: string;
}
