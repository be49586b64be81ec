/**
 * The biller directory (a sandbox in the shape of Galileo's RPPS directory and Arcus's billers): each biller has a
 * category, the type analytics classifies its bills by, an account-number mask, and how it is paid — electronically
 * (RPPS) or by a mailed paper check — with that method's lead time in business days.
 *
 * Sandbox behaviour by account number: one ending `0000` is refused by the biller when the payment is processed
 * (`PAYMENT_INVALID_ACCOUNT`); one ending `9999` is posted, then reversed by the biller two business days later.
 */
export type BillerCategory = 'utilities' | 'telecom' | 'credit_card' | 'insurance';
export type PaymentMethod = 'electronic' | 'paper';

export interface Biller {
  id: string;
  name: string;
  category: BillerCategory;
  /** The type of its bills for analytics (insights' biller types). */
  billerType: string;
  mask: RegExp;
  /** How an account number looks, for people. */
  maskHint: string;
  method: PaymentMethod;
  leadBusinessDays: number;
}

export const BILLERS: readonly Biller[] = [
  {
    id: 'blr_power',
    name: 'Consolidated Power & Light',
    category: 'utilities',
    billerType: 'electricity',
    mask: /^[0-9]{10}$/,
    maskHint: '10 digits',
    method: 'electronic',
    leadBusinessDays: 2,
  },
  {
    id: 'blr_water',
    name: 'City Water Works',
    category: 'utilities',
    billerType: 'water',
    mask: /^W[0-9]{8}$/,
    maskHint: 'W followed by 8 digits',
    method: 'paper',
    leadBusinessDays: 5,
  },
  {
    id: 'blr_wireless',
    name: 'Northwind Wireless',
    category: 'telecom',
    billerType: 'phone',
    mask: /^[0-9]{3}-[0-9]{7}$/,
    maskHint: '3 digits, a dash, 7 digits',
    method: 'electronic',
    leadBusinessDays: 2,
  },
  {
    id: 'blr_card',
    name: 'Contoso Card Services',
    category: 'credit_card',
    billerType: 'credit_card',
    mask: /^4[0-9]{15}$/,
    maskHint: '16 digits starting with 4',
    method: 'electronic',
    leadBusinessDays: 1,
  },
  {
    id: 'blr_insurance',
    name: 'Fabrikam Mutual Insurance',
    category: 'insurance',
    billerType: 'insurance',
    mask: /^POL[0-9]{7}$/,
    maskHint: 'POL followed by 7 digits',
    method: 'paper',
    leadBusinessDays: 5,
  },
];

export function billerById(id: string): Biller | undefined {
  return BILLERS.find((biller) => biller.id === id);
}

export function billerView(biller: Biller) {
  return {
    id: biller.id,
    name: biller.name,
    category: biller.category,
    accountNumberFormat: biller.maskHint,
    paymentMethod: biller.method,
    leadBusinessDays: biller.leadBusinessDays,
  };
}

/** What the biller does with a payment to this account number (the sandbox's triggers). */
export function sandboxOutcomeOf(accountNumber: string): 'ok' | 'refused' | 'reversed' {
  if (accountNumber.endsWith('0000')) return 'refused';
  if (accountNumber.endsWith('9999')) return 'reversed';
  return 'ok';
}
