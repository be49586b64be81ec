import type { Locale, NotificationKind } from '../domain/notification-kinds';

type Data = Record<string, string | number | boolean | null>;

/**
 * The variables each kind's templates take: what `notificationFor` puts in a notification's `data`. Amounts are
 * decimal strings as the events carry them.
 */
export interface KindData {
  'transfer.received': { transferId: string; amount: string; currency: string; note: string | null };
  'transfer.sent': { transferId: string; amount: string; currency: string; fee: string; to: string };
  'transfer.failed': { transferId: string | null; amount: string; currency: string; reason: string };
  'deposit.completed': { depositId: string; amount: string; credited: string; currency: string };
  'withdrawal.completed': { withdrawalId: string; amount: string; currency: string };
  'withdrawal.failed': { withdrawalId: string; amount: string; currency: string; reason: string };
  'swap.completed': { swapId: string; from: string; to: string; amountIn: string; amountOut: string };
  'card.declined': {
    authorizationId: string;
    last4: string;
    amount: string;
    currency: string;
    merchant: string;
    code: string;
  };
  'card.refunded': {
    authorizationId: string;
    last4: string;
    amount: string;
    currency: string;
    merchant: string;
  };
  'card.closed': { cardId: string; last4: string; reason: string | null };
  'bank.settled': {
    bankTransferId: string;
    direction: string;
    rail: string;
    amount: string;
    posted: string;
    currency: string;
    bankAccount: string;
  };
  'bank.failed': {
    bankTransferId: string;
    direction: string;
    amount: string;
    currency: string;
    bankAccount: string;
    reason: string;
  };
  'bank.returned': {
    bankTransferId: string;
    direction: string;
    amount: string;
    reversed: string;
    currency: string;
    bankAccount: string;
    returnCode: string;
    meaning: string;
  };
  'bank.account': { bankAccountId: string; bankAccount: string; status: string; reason: string | null };
  'bill.sent': {
    billPaymentId: string;
    billerName: string;
    amount: string;
    currency: string;
    estimatedDelivery: string;
  };
  'bill.failed': {
    billPaymentId: string;
    billerName: string;
    amount: string;
    currency: string;
    reason: string;
  };
  'bill.reversed': { billPaymentId: string; billerName: string; amount: string; currency: string };
  'balance.low': { monitorId: string; currency: string; threshold: string; balance: string };
  'balance.high': { monitorId: string; currency: string; threshold: string; balance: string };
  'recurring.reminder': {
    scheduleId: string;
    occurrenceAt: string;
    amount: string;
    currency: string;
    recipient: string;
  };
  'recurring.succeeded': {
    scheduleId: string;
    occurrenceAt: string;
    transferId: string | null;
    amount: string;
    currency: string;
    recipient: string;
  };
  'recurring.skipped': {
    scheduleId: string;
    occurrenceAt: string;
    failureCode: string;
    attempts: number;
    amount: string;
    currency: string;
    recipient: string;
  };
  'recurring.paused': {
    scheduleId: string;
    skippedInARow: number;
    amount: string;
    currency: string;
    recipient: string;
  };
  'payment_request.received': {
    requestId: string;
    amount: string | null;
    currency: string;
    note: string | null;
    expiresAt: string;
  };
  'payment_request.reminder': {
    requestId: string;
    amount: string | null;
    currency: string;
    note: string | null;
    expiresAt: string;
  };
  'payment_request.paid': { requestId: string; transferId: string; amount: string; currency: string };
  'payment_request.declined': { requestId: string; amount: string | null; currency: string };
  'security.alert': { event: string; device: string | null; ip: string | null; at: string };
  'rewards.cashback': { redemptionId: string; amount: string; currency: string; points: string };
  'rewards.level_up': { level: string; perk: string };
  'rewards.achievement': { achievementId: string; name: string; points: string };
  'rewards.expiring': { points: string; expiresAt: string };
  'rewards.referral': {
    referralId: string;
    status: 'approved' | 'rejected';
    points: string;
    side: 'referrer' | 'referred';
  };
  marketing: { announcementId: string; title: string; body: string };
  'system.update': { announcementId: string; title: string; body: string };
  test: { channel: string };
}

/** A kind's text: the in-app title and body (email subject and text, push), and a short SMS. */
export interface Rendered {
  title: string;
  body: string;
  sms: string;
}

type Templates = { [K in NotificationKind]: (data: KindData[K]) => Omit<Rendered, 'sms'> & { sms?: string } };

const LEVELS_EN: Record<string, string> = {
  bronze: 'Bronze',
  silver: 'Silver',
  gold: 'Gold',
  platinum: 'Platinum',
};
const LEVELS_ES: Record<string, string> = {
  bronze: 'Bronce',
  silver: 'Plata',
  gold: 'Oro',
  platinum: 'Platino',
};

const REFUSALS_EN: Record<string, string> = {
  INSUFFICIENT_FUNDS: 'not enough funds',
  LIMIT_EXCEEDED: 'a spending limit was reached',
  VELOCITY_EXCEEDED: 'too many transfers in a short time',
};
const REFUSALS_ES: Record<string, string> = {
  INSUFFICIENT_FUNDS: 'fondos insuficientes',
  LIMIT_EXCEEDED: 'se alcanzó un límite de gasto',
  VELOCITY_EXCEEDED: 'demasiadas transferencias en poco tiempo',
};

const STATUS_ES: Record<string, string> = {
  verified: 'verificada',
  pending_verification: 'pendiente de verificación',
  needs_review: 'en revisión',
  verification_failed: 'sin verificar (falló la verificación)',
  unverified: 'sin verificar',
  removed: 'eliminada',
};

const CARD_DECLINES_EN: Record<string, string> = {
  CARD_PAUSED: 'the card is paused',
  CARD_CLOSED: 'the card is closed',
  CARD_LIMIT: 'a card limit was reached',
  TIER_LIMIT: 'a spending limit of your account was reached',
  VELOCITY_LIMIT: 'too many payments in a short time',
  INSUFFICIENT_FUNDS: 'not enough funds',
  MCC_BLOCKED: 'you blocked this kind of merchant',
  CURRENCY_NOT_SUPPORTED: 'the currency is not supported',
  ISSUER_TIMEOUT: 'the card network timed out',
};
const CARD_DECLINES_ES: Record<string, string> = {
  CARD_PAUSED: 'la tarjeta está pausada',
  CARD_CLOSED: 'la tarjeta está cerrada',
  CARD_LIMIT: 'se alcanzó un límite de la tarjeta',
  TIER_LIMIT: 'se alcanzó un límite de gasto de tu cuenta',
  VELOCITY_LIMIT: 'demasiados pagos en poco tiempo',
  INSUFFICIENT_FUNDS: 'fondos insuficientes',
  MCC_BLOCKED: 'bloqueaste este tipo de comercio',
  CURRENCY_NOT_SUPPORTED: 'la moneda no es compatible',
  ISSUER_TIMEOUT: 'la red de tarjetas no respondió a tiempo',
};

const SECURITY_EN: Record<string, string> = {
  new_sign_in: 'New sign-in to your account',
  new_device: 'A new device signed in to your account',
  '2fa_enabled': 'Two-factor authentication was turned on',
  '2fa_disabled': 'Two-factor authentication was turned off',
  recovery_code_used: 'A recovery code was used',
  password_changed: 'Your password was changed',
  password_reset: 'Your password was reset',
};
const SECURITY_ES: Record<string, string> = {
  new_sign_in: 'Nuevo inicio de sesión en tu cuenta',
  new_device: 'Un dispositivo nuevo inició sesión en tu cuenta',
  '2fa_enabled': 'Se activó la verificación en dos pasos',
  '2fa_disabled': 'Se desactivó la verificación en dos pasos',
  recovery_code_used: 'Se usó un código de recuperación',
  password_changed: 'Se cambió tu contraseña',
  password_reset: 'Se restableció tu contraseña',
};

/**
 * Typed template functions, one per kind and locale, rather than Handlebars files: the compiler checks that every
 * kind has a template in every locale and that each uses only the variables its events provide (a Handlebars
 * typo renders an empty string at run time), and there is no template compiler to load or escape around (HTML is
 * escaped once, by the email layout).
 */
const en: Templates = {
  'card.declined': (d) => ({
    title: `Card •••• ${d.last4} declined`,
    body: `${d.amount} ${d.currency} at ${d.merchant} was declined: ${CARD_DECLINES_EN[d.code] ?? d.code}.`,
    sms: `Monay: card ${d.last4} declined at ${d.merchant} (${CARD_DECLINES_EN[d.code] ?? d.code}).`,
  }),
  'card.refunded': (d) => ({
    title: 'Card refund received',
    body: `${d.merchant} refunded ${d.amount} ${d.currency} to your wallet (card •••• ${d.last4}).`,
  }),
  'card.closed': (d) => ({
    title: `Card •••• ${d.last4} closed`,
    body:
      d.reason === 'lost' || d.reason === 'stolen'
        ? `You reported card •••• ${d.last4} ${d.reason}: it is closed and a replacement was issued.`
        : `Card •••• ${d.last4} is closed; it can no longer be used.`,
    sms: `Monay: card ${d.last4} was closed. Not you? Contact support now.`,
  }),
  'transfer.received': (d) => ({
    title: 'Money received',
    body: `You received ${d.amount} ${d.currency}.${d.note ? ` Note: “${d.note}”.` : ''}`,
  }),
  'transfer.sent': (d) => ({
    title: 'Transfer sent',
    body: `You sent ${d.amount} ${d.currency} to ${d.to}${d.fee !== '0' && d.fee !== '0.00' ? ` (fee ${d.fee})` : ''}.`,
  }),
  'transfer.failed': (d) => ({
    title: 'Transfer failed',
    body: `Your transfer of ${d.amount} ${d.currency} was not made: ${REFUSALS_EN[d.reason] ?? d.reason}. Nothing left your wallet.`,
  }),
  'deposit.completed': (d) => ({
    title: 'Deposit completed',
    body: `${d.credited} ${d.currency} arrived in your wallet.`,
  }),
  'withdrawal.completed': (d) => ({
    title: 'Withdrawal completed',
    body: `Your withdrawal of ${d.amount} ${d.currency} was sent.`,
  }),
  'withdrawal.failed': (d) => ({
    title: 'Withdrawal failed',
    body: `Your withdrawal of ${d.amount} ${d.currency} failed (${d.reason}). The money is back in your wallet.`,
  }),
  'swap.completed': (d) => ({
    title: 'Swap completed',
    body: `You swapped ${d.amountIn} ${d.from} for ${d.amountOut} ${d.to}.`,
  }),
  'bank.settled': (d) =>
    d.direction === 'deposit'
      ? {
          title: 'Money added from your bank',
          body: `${d.posted} ${d.currency} from ${d.bankAccount} arrived in your wallet.`,
        }
      : {
          title: 'Bank withdrawal sent',
          body: `${d.amount} ${d.currency} was sent to ${d.bankAccount} (${d.rail === 'wire' ? 'wire' : 'ACH'}).`,
        },
  'bank.failed': (d) => ({
    title: d.reason === 'CANCELLED' ? 'Bank transfer cancelled' : 'Bank transfer failed',
    body:
      d.reason === 'CANCELLED'
        ? `Your ${d.direction === 'deposit' ? 'transfer from' : 'withdrawal to'} ${d.bankAccount} of ${d.amount} ${d.currency} was cancelled. Nothing moved.`
        : `Your ${d.direction === 'deposit' ? 'transfer from' : 'withdrawal to'} ${d.bankAccount} of ${d.amount} ${d.currency} failed (${d.reason}). Nothing moved.`,
  }),
  'bank.returned': (d) => ({
    title: 'Bank transfer returned',
    body:
      d.direction === 'deposit'
        ? `Your bank returned the ${d.amount} ${d.currency} added from ${d.bankAccount} (${d.returnCode}: ${d.meaning}); ${d.reversed} ${d.currency} was taken back from your wallet.`
        : `Your bank returned the withdrawal of ${d.amount} ${d.currency} to ${d.bankAccount} (${d.returnCode}: ${d.meaning}); ${d.reversed} ${d.currency} is back in your wallet.`,
  }),
  'bank.account': (d) => ({
    title: 'Bank account update',
    body: `${d.bankAccount} is now ${d.status.replace(/_/g, ' ')}${d.reason ? ` (${d.reason})` : ''}.`,
  }),
  'bill.sent': (d) => ({
    title: 'Bill payment sent',
    body: `${d.amount} ${d.currency} was sent to ${d.billerName}; it should arrive by ${d.estimatedDelivery}.`,
  }),
  'bill.failed': (d) => ({
    title: d.reason === 'CANCELLED' ? 'Bill payment cancelled' : 'Bill payment failed',
    body: `Your payment of ${d.amount} ${d.currency} to ${d.billerName} was not made (${d.reason}). The money is back in your wallet.`,
  }),
  'bill.reversed': (d) => ({
    title: 'Bill payment reversed',
    body: `${d.billerName} returned your payment of ${d.amount} ${d.currency}; it is back in your wallet.`,
  }),
  'balance.low': (d) => ({
    title: `Low ${d.currency} balance`,
    body: `Your ${d.currency} balance is ${d.balance}, below the ${d.threshold} you set.`,
  }),
  'balance.high': (d) => ({
    title: `${d.currency} balance above ${d.threshold}`,
    body: `Your ${d.currency} balance is ${d.balance}, above the ${d.threshold} you set.`,
  }),
  'recurring.reminder': (d) => ({
    title: 'Upcoming recurring transfer',
    body: `${d.amount} ${d.currency} will be sent to ${d.recipient} at ${d.occurrenceAt}.`,
  }),
  'recurring.succeeded': (d) => ({
    title: 'Recurring transfer sent',
    body: `${d.amount} ${d.currency} was sent to ${d.recipient}.`,
  }),
  'recurring.skipped': (d) => ({
    title: 'Recurring transfer skipped',
    body:
      `${d.amount} ${d.currency} to ${d.recipient} was not sent: ${REFUSALS_EN[d.failureCode] ?? 'the transfer was refused'} ` +
      `(${d.attempts} ${d.attempts === 1 ? 'attempt' : 'attempts'}).`,
  }),
  'recurring.paused': (d) => ({
    title: 'Recurring transfer paused',
    body:
      `Your recurring transfer of ${d.amount} ${d.currency} to ${d.recipient} was paused after ` +
      `${d.skippedInARow} skipped transfers in a row. Resume it once your wallet can cover it.`,
  }),
  'payment_request.received': (d) => ({
    title: 'Payment request',
    body:
      `You were asked to pay ${d.amount ?? 'an amount you choose'} ${d.currency}` +
      `${d.note ? ` for “${d.note}”` : ''}, before ${d.expiresAt}.`,
  }),
  'payment_request.reminder': (d) => ({
    title: 'Reminder: payment request',
    body:
      `A request for ${d.amount ?? 'an amount you choose'} ${d.currency}${d.note ? ` (“${d.note}”)` : ''} ` +
      `is still waiting for you, until ${d.expiresAt}.`,
  }),
  'payment_request.paid': (d) => ({
    title: 'Payment request paid',
    body: `Your request was paid: ${d.amount} ${d.currency} arrived in your wallet.`,
  }),
  'payment_request.declined': (d) => ({
    title: 'Payment request declined',
    body: `Your request for ${d.amount ?? 'money'}${d.amount ? ` ${d.currency}` : ''} was declined.`,
  }),
  'security.alert': (d) => ({
    title: SECURITY_EN[d.event] ?? 'Security alert',
    body:
      `${SECURITY_EN[d.event] ?? d.event} at ${d.at}${d.device ? ` from ${d.device}` : ''}${d.ip ? ` (${d.ip})` : ''}. ` +
      'If this was not you, change your password and review your sessions now.',
    sms: `Monay security: ${SECURITY_EN[d.event] ?? d.event}. Not you? Change your password now.`,
  }),
  'rewards.cashback': (d) => ({
    title: 'Cashback added',
    body: `${d.amount} ${d.currency} for ${d.points} points arrived in your wallet.`,
  }),
  'rewards.level_up': (d) => ({
    title: `You reached ${LEVELS_EN[d.level] ?? d.level}`,
    body: `Welcome to ${LEVELS_EN[d.level] ?? d.level}: ${d.perk}.`,
  }),
  'rewards.achievement': (d) => ({
    title: `Achievement unlocked: ${d.name}`,
    body: `You earned ${d.points} points.`,
  }),
  'rewards.expiring': (d) => ({
    title: 'Points expiring soon',
    body: `${d.points} of your points expire on ${d.expiresAt.slice(0, 10)}. Redeem them before then.`,
  }),
  'rewards.referral': (d) => ({
    title: d.status === 'approved' ? 'Referral reward' : 'Referral not rewarded',
    body:
      d.status === 'approved'
        ? d.side === 'referrer'
          ? `A friend you referred joined: you earned ${d.points} points.`
          : `Welcome bonus: you earned ${d.points} points for joining with a referral.`
        : 'A referral did not qualify for a reward.',
  }),
  marketing: (d) => ({ title: d.title, body: d.body }),
  'system.update': (d) => ({ title: d.title, body: d.body }),
  test: (d) => ({
    title: 'Test notification',
    body: `This is a test of your ${d.channel} notifications from Monay.`,
  }),
};

const es: Templates = {
  'card.declined': (d) => ({
    title: `Tarjeta •••• ${d.last4} rechazada`,
    body: `Se rechazó un pago de ${d.amount} ${d.currency} en ${d.merchant}: ${CARD_DECLINES_ES[d.code] ?? d.code}.`,
    sms: `Monay: tarjeta ${d.last4} rechazada en ${d.merchant} (${CARD_DECLINES_ES[d.code] ?? d.code}).`,
  }),
  'card.refunded': (d) => ({
    title: 'Reembolso con tarjeta recibido',
    body: `${d.merchant} reembolsó ${d.amount} ${d.currency} a tu billetera (tarjeta •••• ${d.last4}).`,
  }),
  'card.closed': (d) => ({
    title: `Tarjeta •••• ${d.last4} cerrada`,
    body:
      d.reason === 'lost' || d.reason === 'stolen'
        ? `Reportaste la tarjeta •••• ${d.last4} como ${d.reason === 'lost' ? 'perdida' : 'robada'}: está cerrada y se emitió una nueva.`
        : `La tarjeta •••• ${d.last4} está cerrada; ya no se puede usar.`,
    sms: `Monay: se cerró la tarjeta ${d.last4}. ¿No fuiste tú? Contacta a soporte.`,
  }),
  'transfer.received': (d) => ({
    title: 'Dinero recibido',
    body: `Recibiste ${d.amount} ${d.currency}.${d.note ? ` Nota: “${d.note}”.` : ''}`,
  }),
  'transfer.sent': (d) => ({
    title: 'Transferencia enviada',
    body: `Enviaste ${d.amount} ${d.currency} a ${d.to}${d.fee !== '0' && d.fee !== '0.00' ? ` (comisión ${d.fee})` : ''}.`,
  }),
  'transfer.failed': (d) => ({
    title: 'Transferencia fallida',
    body: `Tu transferencia de ${d.amount} ${d.currency} no se realizó: ${REFUSALS_ES[d.reason] ?? d.reason}. No salió dinero de tu billetera.`,
  }),
  'deposit.completed': (d) => ({
    title: 'Depósito completado',
    body: `${d.credited} ${d.currency} llegaron a tu billetera.`,
  }),
  'withdrawal.completed': (d) => ({
    title: 'Retiro completado',
    body: `Tu retiro de ${d.amount} ${d.currency} fue enviado.`,
  }),
  'withdrawal.failed': (d) => ({
    title: 'Retiro fallido',
    body: `Tu retiro de ${d.amount} ${d.currency} falló (${d.reason}). El dinero volvió a tu billetera.`,
  }),
  'swap.completed': (d) => ({
    title: 'Cambio completado',
    body: `Cambiaste ${d.amountIn} ${d.from} por ${d.amountOut} ${d.to}.`,
  }),
  'bank.settled': (d) =>
    d.direction === 'deposit'
      ? {
          title: 'Dinero agregado desde tu banco',
          body: `${d.posted} ${d.currency} desde ${d.bankAccount} llegaron a tu billetera.`,
        }
      : {
          title: 'Retiro bancario enviado',
          body: `Se enviaron ${d.amount} ${d.currency} a ${d.bankAccount} (${d.rail === 'wire' ? 'transferencia cablegráfica' : 'ACH'}).`,
        },
  'bank.failed': (d) => ({
    title: d.reason === 'CANCELLED' ? 'Transferencia bancaria cancelada' : 'Transferencia bancaria fallida',
    body:
      d.reason === 'CANCELLED'
        ? `Tu ${d.direction === 'deposit' ? 'transferencia desde' : 'retiro a'} ${d.bankAccount} de ${d.amount} ${d.currency} fue cancelado. No se movió dinero.`
        : `Tu ${d.direction === 'deposit' ? 'transferencia desde' : 'retiro a'} ${d.bankAccount} de ${d.amount} ${d.currency} falló (${d.reason}). No se movió dinero.`,
  }),
  'bank.returned': (d) => ({
    title: 'Transferencia bancaria devuelta',
    body:
      d.direction === 'deposit'
        ? `Tu banco devolvió los ${d.amount} ${d.currency} agregados desde ${d.bankAccount} (${d.returnCode}); se retiraron ${d.reversed} ${d.currency} de tu billetera.`
        : `Tu banco devolvió el retiro de ${d.amount} ${d.currency} a ${d.bankAccount} (${d.returnCode}); ${d.reversed} ${d.currency} volvieron a tu billetera.`,
  }),
  'bank.account': (d) => ({
    title: 'Actualización de cuenta bancaria',
    body: `${d.bankAccount} ahora está ${STATUS_ES[d.status] ?? d.status}${d.reason ? ` (${d.reason})` : ''}.`,
  }),
  'bill.sent': (d) => ({
    title: 'Pago de factura enviado',
    body: `Se enviaron ${d.amount} ${d.currency} a ${d.billerName}; debería llegar a más tardar el ${d.estimatedDelivery}.`,
  }),
  'bill.failed': (d) => ({
    title: d.reason === 'CANCELLED' ? 'Pago de factura cancelado' : 'Pago de factura fallido',
    body: `Tu pago de ${d.amount} ${d.currency} a ${d.billerName} no se realizó (${d.reason}). El dinero volvió a tu billetera.`,
  }),
  'bill.reversed': (d) => ({
    title: 'Pago de factura devuelto',
    body: `${d.billerName} devolvió tu pago de ${d.amount} ${d.currency}; volvió a tu billetera.`,
  }),
  'balance.low': (d) => ({
    title: `Saldo bajo de ${d.currency}`,
    body: `Tu saldo de ${d.currency} es ${d.balance}, por debajo de ${d.threshold}.`,
  }),
  'balance.high': (d) => ({
    title: `Saldo de ${d.currency} por encima de ${d.threshold}`,
    body: `Tu saldo de ${d.currency} es ${d.balance}, por encima de ${d.threshold}.`,
  }),
  'recurring.reminder': (d) => ({
    title: 'Próxima transferencia recurrente',
    body: `Se enviarán ${d.amount} ${d.currency} a ${d.recipient} el ${d.occurrenceAt}.`,
  }),
  'recurring.succeeded': (d) => ({
    title: 'Transferencia recurrente enviada',
    body: `Se enviaron ${d.amount} ${d.currency} a ${d.recipient}.`,
  }),
  'recurring.skipped': (d) => ({
    title: 'Transferencia recurrente omitida',
    body:
      `No se enviaron ${d.amount} ${d.currency} a ${d.recipient}: ${REFUSALS_ES[d.failureCode] ?? 'la transferencia fue rechazada'} ` +
      `(${d.attempts} ${d.attempts === 1 ? 'intento' : 'intentos'}).`,
  }),
  'recurring.paused': (d) => ({
    title: 'Transferencia recurrente pausada',
    body:
      `Tu transferencia recurrente de ${d.amount} ${d.currency} a ${d.recipient} se pausó tras ` +
      `${d.skippedInARow} transferencias omitidas seguidas.`,
  }),
  'payment_request.received': (d) => ({
    title: 'Solicitud de pago',
    body:
      `Te pidieron pagar ${d.amount ?? 'un importe a tu elección'} ${d.currency}` +
      `${d.note ? ` por “${d.note}”` : ''}, antes del ${d.expiresAt}.`,
  }),
  'payment_request.reminder': (d) => ({
    title: 'Recordatorio: solicitud de pago',
    body:
      `Una solicitud de ${d.amount ?? 'un importe a tu elección'} ${d.currency}${d.note ? ` (“${d.note}”)` : ''} ` +
      `sigue esperándote, hasta el ${d.expiresAt}.`,
  }),
  'payment_request.paid': (d) => ({
    title: 'Solicitud de pago pagada',
    body: `Pagaron tu solicitud: ${d.amount} ${d.currency} llegaron a tu billetera.`,
  }),
  'payment_request.declined': (d) => ({
    title: 'Solicitud de pago rechazada',
    body: `Rechazaron tu solicitud de ${d.amount ?? 'dinero'}${d.amount ? ` ${d.currency}` : ''}.`,
  }),
  'security.alert': (d) => ({
    title: SECURITY_ES[d.event] ?? 'Alerta de seguridad',
    body:
      `${SECURITY_ES[d.event] ?? d.event} el ${d.at}${d.device ? ` desde ${d.device}` : ''}${d.ip ? ` (${d.ip})` : ''}. ` +
      'Si no fuiste tú, cambia tu contraseña y revisa tus sesiones.',
    sms: `Monay seguridad: ${SECURITY_ES[d.event] ?? d.event}. ¿No fuiste tú? Cambia tu contraseña.`,
  }),
  'rewards.cashback': (d) => ({
    title: 'Reembolso añadido',
    body: `${d.amount} ${d.currency} por ${d.points} puntos llegaron a tu billetera.`,
  }),
  'rewards.level_up': (d) => ({
    title: `Alcanzaste el nivel ${LEVELS_ES[d.level] ?? d.level}`,
    body: `Bienvenido al nivel ${LEVELS_ES[d.level] ?? d.level}: ${d.perk}.`,
  }),
  'rewards.achievement': (d) => ({
    title: `Logro desbloqueado: ${d.name}`,
    body: `Ganaste ${d.points} puntos.`,
  }),
  'rewards.expiring': (d) => ({
    title: 'Puntos a punto de vencer',
    body: `${d.points} de tus puntos vencen el ${d.expiresAt.slice(0, 10)}. Canjéalos antes.`,
  }),
  'rewards.referral': (d) => ({
    title: d.status === 'approved' ? 'Recompensa por referido' : 'Referido sin recompensa',
    body:
      d.status === 'approved'
        ? d.side === 'referrer'
          ? `Un amigo que invitaste se unió: ganaste ${d.points} puntos.`
          : `Bono de bienvenida: ganaste ${d.points} puntos por unirte con una invitación.`
        : 'Una invitación no cumplió las condiciones de la recompensa.',
  }),
  marketing: (d) => ({ title: d.title, body: d.body }),
  'system.update': (d) => ({ title: d.title, body: d.body }),
  test: (d) => ({
    title: 'Notificación de prueba',
    body: `Esta es una prueba de tus notificaciones por ${d.channel} de Monay.`,
  }),
};

const TEMPLATES: Record<Locale, Templates> = { en, es };

/** A kind's text in `locale` from its data (as stored with the notification). */
export function render<K extends NotificationKind>(
  kind: K,
  locale: Locale,
  data: KindData[K] | Data,
): Rendered {
  const template = TEMPLATES[locale][kind] as (data: unknown) => Omit<Rendered, 'sms'> & { sms?: string };
  const text = template(data);
  return { ...text, sms: text.sms ?? `Monay: ${text.title}. ${text.body}` };
}
