import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { atLocal, federalHolidays } from '../../libs/banking/src/domain/banking-calendar';
import type { KycLevel } from '#monay/wallet';
import { adminHeader, registerAdmin, type Admin } from './admin';
import { kycCustomer, raiseTier } from './kyc';
import { auth, type Customer } from './money';
import { serverNow } from './security';
import type { TestApp } from './test-app';

/** A customer with verified email and phone, raised to `level` (2 Verified, 3 Premium) as libs/kyc would. */
export async function bankCustomer(t: TestApp, prefix: string, level: KycLevel = 2): Promise<Customer> {
  const customer = await kycCustomer(t, prefix);
  await raiseTier(t, customer, level);
  return customer;
}

/** Links the login's checking account instantly (two steps: list, then pick); the answer. */
export async function linkInstant(
  t: TestApp,
  customer: Customer,
  username = 'user_good',
  institutionId = 'ins_1',
) {
  const listed = await t
    .http()
    .post('/api/bank-accounts/link/instant')
    .set(auth(customer))
    .send({ institutionId, username, password: 'pass_good' })
    .expect(200);
  const checking = (listed.body.accounts as Array<{ accountId: string; type: string }>).find(
    (account) => account.type === 'checking',
  );
  return t
    .http()
    .post('/api/bank-accounts/link/instant')
    .set(auth(customer))
    .send({ institutionId, username, password: 'pass_good', accountId: checking?.accountId });
}

/** A verified account linked instantly whose holder's name drives the sandbox rail (`R01-late`, `R03`…). */
export async function verifiedAccount(
  t: TestApp,
  customer: Customer,
  holder?: string,
  institutionId = 'ins_1',
) {
  const response = await linkInstant(
    t,
    customer,
    holder ? `user_good:${holder}` : 'user_good',
    institutionId,
  );
  if (response.status !== 201) throw new Error(`${response.status} ${JSON.stringify(response.body)}`);
  expect(response.body.bankAccount.status).toBe('verified');
  return response.body.bankAccount.id as string;
}

/** The micro-deposit amounts the sandbox sent to an account (what the user reads on their statement), in cents. */
export async function microDeposits(t: TestApp, bankAccountId: string): Promise<[number, number]> {
  const [row] = (await t.app.get(DataSource).query(
    `SELECT f.micro_amount1, f.micro_amount2 FROM bank_accounts a
       JOIN sandbox_dwolla_funding_sources f ON f.id = a.vendor_funding_source_id WHERE a.id = $1`,
    [bankAccountId],
  )) as Array<{ micro_amount1: number; micro_amount2: number }>;
  return [row.micro_amount1, row.micro_amount2];
}

export const cents = (n: number) => `0.${String(n).padStart(2, '0')}`;

export function bankTransfer(
  t: TestApp,
  customer: Customer,
  route: 'add-money/ach' | 'withdrawal/ach' | 'withdrawal/wire',
  body: Record<string, unknown>,
  key: string = randomUUID(),
) {
  return t.http().post(`/api/${route}`).set(auth(customer)).set('Idempotency-Key', key).send(body);
}

export async function transferStatus(t: TestApp, customer: Customer, id: string) {
  const response = await t.http().get(`/api/add-money/ach/status/${id}`).set(auth(customer)).expect(200);
  return response.body.transfer as {
    status: string;
    returnCode: string | null;
    returnReason: string | null;
    settledAt: string | null;
    expectedSettlementAt: string;
    cancelBefore: string | null;
    amount: string;
    fee: string;
  };
}

export async function bankAdmin(t: TestApp): Promise<Admin> {
  return registerAdmin(t, 'bank-admin');
}

export { serverNow };

/** Moves the sandbox clock to `at` (never back), running what fell due. */
export async function advanceTo(t: TestApp, admin: Admin, at: Date): Promise<void> {
  const minutes = Math.ceil((at.getTime() - (await serverNow(t, admin)).getTime()) / 60_000);
  if (minutes <= 0) return;
  await t
    .http()
    .post('/api/admin/sandbox/clock/advance')
    .set(adminHeader(admin))
    .send({ minutes })
    .expect(200);
}

export async function advanceDays(t: TestApp, admin: Admin, days: number): Promise<void> {
  await t.http().post('/api/admin/sandbox/clock/advance').set(adminHeader(admin)).send({ days }).expect(200);
}

/** Days after `at` as New York dates. */
function nyDate(at: Date): { year: number; month: number; day: number; weekday: number } {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    weekday: 'short',
  }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    year: Number(get('year')),
    month: Number(get('month')),
    day: Number(get('day')),
    weekday: weekdays.indexOf(get('weekday')),
  };
}

/**
 * The next Friday after `from` whose following Monday and Tuesday are ordinary business days, as New York dates:
 * `friday(hour)`, `monday(hour)`, `tuesday(hour)` give instants on them.
 */
export function nextOrdinaryWeekend(from: Date) {
  let at = new Date(from.getTime() + 86_400_000);
  for (;;) {
    const d = nyDate(at);
    if (d.weekday === 5) {
      const shift = (days: number) => {
        const x = new Date(Date.UTC(d.year, d.month - 1, d.day + days));
        return { year: x.getUTCFullYear(), month: x.getUTCMonth() + 1, day: x.getUTCDate() };
      };
      const [fri, mon, tue] = [shift(0), shift(3), shift(4)];
      const holiday = (x: { year: number; month: number; day: number }) =>
        federalHolidays(x.year).has(`${String(x.month).padStart(2, '0')}-${String(x.day).padStart(2, '0')}`);
      if (!holiday(fri) && !holiday(mon) && !holiday(tue)) {
        return {
          friday: (hour: number) => atLocal(fri, { hour, minute: 0 }),
          monday: (hour: number) => atLocal(mon, { hour, minute: 0 }),
          tuesday: (hour: number) => atLocal(tue, { hour, minute: 0 }),
        };
      }
    }
    at = new Date(at.getTime() + 86_400_000);
  }
}

/** The bank rails' reconciliation through the admin route: every rail's clearing account mirrors the vendor. */
export async function expectBankRailsReconciled(t: TestApp, admin: Admin) {
  const response = await t.http().post('/api/admin/bank/reconciliation').set(adminHeader(admin)).expect(200);
  expect(response.body.rails.filter((rail: { ok: boolean }) => !rail.ok)).toEqual([]);
  expect(response.body.ok).toBe(true);
  return response.body as { rails: Array<{ rail: string; vendorBalance: string; clearing: string }> };
}
