import type { ProviderName, ReconciliationReportView } from '#monay/providers';
import { adminHeader, registerAdmin } from './admin';
import type { TestApp } from './test-app';

const admins = new WeakMap<TestApp, Promise<{ Authorization: string }>>();

/**
 * An admin of this app, made once per app: a new user granted the role (as `npm run user:grant-admin` does),
 * then logged in so that the access token carries it.
 */
export function asAdmin(t: TestApp): Promise<{ Authorization: string }> {
  let admin = admins.get(t);
  if (!admin) {
    admin = registerAdmin(t, 'reconciliation-admin').then(adminHeader);
    admins.set(t, admin);
  }
  return admin;
}

/** Runs the provider reconciliation now, synchronously, through the admin API; the finished report. */
export async function reconcileProviders(t: TestApp): Promise<ReconciliationReportView> {
  const response = await t
    .http()
    .post('/api/admin/reconciliation/run?wait=true')
    .set(await asAdmin(t));
  if (response.status !== 200) {
    throw new Error(`reconciliation answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  expect(response.body.success).toBe(true);
  return response.body.report as ReconciliationReportView;
}

/**
 * The check that closes every provider scenario: each provider's balances equal the negative of its clearing
 * accounts in the ledger (money completed at a provider and not booked yet aside), and the ledger invariants
 * hold. `unreachable` names providers the scenario left in outage: they must be reported unreachable (the
 * run then fails for them) while every other provider reconciles.
 */
export async function expectProvidersReconciled(
  t: TestApp,
  options: { unreachable?: ProviderName[] } = {},
): Promise<ReconciliationReportView> {
  const report = await reconcileProviders(t);
  const expectedUnreachable = [...(options.unreachable ?? [])].sort();
  expect(report.discrepancies).toEqual([]);
  expect(report.ledger).toEqual({ ok: true, breaches: [] });
  expect(
    report.providers
      .filter((provider) => !provider.reachable)
      .map((provider) => provider.name)
      .sort(),
  ).toEqual(expectedUnreachable);
  for (const provider of report.providers.filter((p) => p.reachable)) {
    expect(provider.balances.filter((line) => line.ok !== true)).toEqual([]);
  }
  expect(report.status).toBe(expectedUnreachable.length > 0 ? 'failed' : 'ok');
  return report;
}
