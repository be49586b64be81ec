/**
 * ACH return codes we act on (Nacha; Dwolla's table of what to do about each): what the code means, and what happens
 * to the bank account or the user's bank rails.
 */
export type ReturnAction = 'none' | 'unverify_account' | 'remove_account' | 'freeze_rails';

export const RETURN_CODES = {
  R01: { meaning: 'Insufficient funds', action: 'none' },
  R02: { meaning: 'Account closed', action: 'remove_account' },
  R03: { meaning: 'No account / unable to locate account', action: 'unverify_account' },
  R04: { meaning: 'Invalid account number', action: 'unverify_account' },
  R05: { meaning: 'Unauthorized debit to consumer account', action: 'freeze_rails' },
  R07: { meaning: 'Authorization revoked by customer', action: 'freeze_rails' },
  R10: { meaning: 'Customer advises not authorized', action: 'freeze_rails' },
} as const satisfies Record<string, { meaning: string; action: ReturnAction }>;

export type ReturnCode = keyof typeof RETURN_CODES;

export function isReturnCode(code: string): code is ReturnCode {
  return Object.prototype.hasOwnProperty.call(RETURN_CODES, code);
}

export function meaningOf(code: string | null): string | null {
  if (code === null) return null;
  return isReturnCode(code) ? RETURN_CODES[code].meaning : code;
}

/**
 * What the Dwolla sandbox does with a funding source of this name: `R01` fails the transfer with R01 when it is
 * processed; `R01-late` processes it, then returns it after settlement.
 */
export function sandboxReturnOf(name: string): { code: ReturnCode; late: boolean } | null {
  const match = /^(R[0-9]{2})(-late)?$/.exec(name.trim());
  if (!match || !isReturnCode(match[1])) return null;
  return { code: match[1], late: match[2] !== undefined };
}
