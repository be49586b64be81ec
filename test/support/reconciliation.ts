import { CommandBus } from '@nestjs/cqrs';
import { GrantRoleCommand } from '#monay/identity';
import type { ProviderName, ReconciliationReportView } from '#monay/providers';
import { newUser, type TestApp } from './test-app';

const admins = new WeakMap<TestApp, Promise<{ Authorization: string }>>();

/**
 * An admin of this app, made once per app: a new user granted the role (as `npm run user:grant-admin` does),
 * then logged in so that the access token carries it. Works whatever ADMIN_EMAILS the app started with.
 */
export function asAdmin(t: TestApp): Promise<{ Authorization: string }> {
  let admin = admins.get(t);
  if (!admin) {
    admin = (async () => {
      const user = newUser('reconciliation-admin');
      await t.http().post('/api/auth/register').send(user).expect(201);
      await t.app.get(CommandBus).execute(new GrantRoleCommand(user.email, 'admin'));
      const login = await t.http().post('/api/auth/login').send(user).expect(200);
      return { Authorization: `Bearer ${login.body.accessToken as string}` };
    })();
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
