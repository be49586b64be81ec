/**
 * An ABA routing number: nine digits whose weighted sum (3, 7, 1 repeated) is a multiple of ten, and whose first two
 * digits name a Federal Reserve routing symbol (00–12, 21–32, 61–72, 80).
 */
export function isValidRoutingNumber(routing: string): boolean {
  if (!/^[0-9]{9}$/.test(routing)) return false;
  const prefix = Number(routing.slice(0, 2));
  const prefixOk =
    (prefix >= 0 && prefix <= 12) ||
    (prefix >= 21 && prefix <= 32) ||
    (prefix >= 61 && prefix <= 72) ||
    prefix === 80;
  if (!prefixOk) return false;
  const weights = [3, 7, 1, 3, 7, 1, 3, 7, 1];
  let sum = 0;
  for (let i = 0; i < 9; i += 1) sum += Number(routing[i]) * weights[i];
  return sum % 10 === 0;
}

/** An account number as banks issue them: 4 to 17 digits. */
export function isValidAccountNumber(account: string): boolean {
  return /^[0-9]{4,17}$/.test(account);
}

export function lastFour(account: string): string {
  return account.slice(-4);
}
