import { ledgerVerify } from './audit';
import type { ChaosSystem } from './chaos-system';
import { isSettledAnswer, minorOf, movementOf, type MovementRequest } from './provider-load';
import { usdc, type ChaosUser } from './transfer-load';

interface MovementRow extends Record<string, unknown> {
  id: string;
  user_id: string;
  kind: string;
  status: string;
  amount: string;
  fee: string | null;
  net_amount: string | null;
  provider: string | null;
  idempotency_key: string | null;
  hold_id: string | null;
  ledger_transaction_id: string | null;
  failure_code: string | null;
}

/** A sandbox transaction's status by the provider's clock (the table is brought up to date only when read). */
const EFFECTIVE_STATUS = `CASE WHEN status <> 'pending' THEN status WHEN settles_at <= now() THEN outcome ELSE 'pending' END`;

/**
 * The audit of money moved through providers, from our database and the sandbox providers' own records:
 * - every request has a settled answer (201 or 422) and its key stored once with that answer;
 * - per client key at most one movement completed, and it is the one the client was answered; any other
 *   movement of the key failed before any provider accepted it (a 503 the client retried); none left unsettled;
 * - every completed movement has its posted ledger transaction; no hold is left pending;
 * - the sandboxes' records, by our movement id: a completed movement was paid by exactly one provider, the
 *   one it names, for its amount and fee; a failed one by none; no movement id paid twice anywhere;
 * - each provider's clearing account is exactly the negative of its omnibus balance (completed transactions);
 * - each customer's balance is where the settled answers put it (credited in, debited out); ledger:verify.
 */
export async function auditProviderMovements(
  system: ChaosSystem,
  requests: MovementRequest[],
  users: ChaosUser[],
): Promise<{ problems: string[]; figures: Record<string, number | string> }> {
  const problems: string[] = [];
  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    system.pg.query<T>('monay', sql, params);
  const userIds = users.map((user) => user.id);

  const movements = await query<MovementRow>(
    `SELECT id::text, user_id::text, kind, status, amount::text, fee::text, net_amount::text, provider,
            idempotency_key, hold_id::text, ledger_transaction_id::text, failure_code
       FROM provider_movements WHERE user_id = ANY($1::uuid[])`,
    [userIds],
  );
  const byId = new Map(movements.map((row) => [row.id, row]));
  const sandbox = await query<{
    provider: string;
    key: string;
    operation: string;
    amount: string;
    fee: string;
    status: string;
  }>(
    `SELECT provider, idempotency_key AS key, operation, amount::text, fee::text, ${EFFECTIVE_STATUS} AS status
       FROM sandbox_provider_transactions WHERE operation IN ('deposit', 'withdraw')`,
  );
  const paidBy = new Map<string, typeof sandbox>();
  for (const row of sandbox) {
    if (row.status !== 'completed') continue;
    paidBy.set(row.key, [...(paidBy.get(row.key) ?? []), row]);
  }
  const keys = new Map(
    (
      await query<{
        user_id: string;
        key: string;
        status: string;
        response_status: number | null;
        movement_id: string | null;
      }>(
        `SELECT user_id::text, key, status, response_status,
                coalesce(response_body #>> '{deposit,id}', response_body #>> '{withdrawal,id}') AS movement_id
           FROM idempotency_keys WHERE user_id = ANY($1::uuid[])`,
        [userIds],
      )
    ).map((row) => [`${row.user_id}:${row.key}`, row]),
  );

  const expected = new Map(users.map((user) => [user.id, user.startMinor]));
  let completed = 0;
  for (const request of requests) {
    const label = `${request.phase} ${request.kind} #${request.index} (key ${request.key})`;
    const final = request.attempts.at(-1);
    if (!isSettledAnswer(final) || !final?.answered) {
      problems.push(
        `${label} never settled: last answer ${final?.answered ? `${final.status} ${JSON.stringify(final.body).slice(0, 300)}` : final?.error}`,
      );
      continue;
    }
    const view = movementOf(request, final);
    const key = keys.get(`${request.user.id}:${request.key}`);
    if (
      !key ||
      key.status !== 'completed' ||
      key.response_status !== final.status ||
      key.movement_id !== (view?.id ?? null)
    ) {
      problems.push(
        `${label}: key stored as ${JSON.stringify(key)}, the client got ${final.status} for ${view?.id}`,
      );
    }
    const ofKey = movements.filter(
      (row) => row.user_id === request.user.id && row.idempotency_key === request.key,
    );
    const completedOfKey = ofKey.filter((row) => row.status === 'completed');
    if (completedOfKey.length > 1)
      problems.push(`${label}: ${completedOfKey.length} movements completed for one key`);
    for (const other of ofKey) {
      if (
        other.id !== view?.id &&
        !(other.status === 'failed' && other.failure_code === 'PROVIDER_UNAVAILABLE')
      ) {
        problems.push(
          `${label}: a second movement ${other.id} of the key is ${other.status} ${other.failure_code ?? ''}`,
        );
      }
    }
    if (final.status === 201 && !view) {
      problems.push(
        `${label}: answered 201 without the movement: ${JSON.stringify(final.body).slice(0, 300)}`,
      );
      continue;
    }
    if (!view) continue; // a refusal before any movement (validation): nothing to follow
    const row = byId.get(view.id);
    if (!row) {
      problems.push(`${label}: movement ${view.id} is not in the database`);
      continue;
    }
    const paid = paidBy.get(row.id) ?? [];
    const operation = request.kind === 'deposit' ? 'deposit' : 'withdraw';
    if (final.status === 201) {
      completed += 1;
      if (
        row.status !== 'completed' ||
        !row.ledger_transaction_id ||
        BigInt(row.amount) !== request.amountMinor
      ) {
        problems.push(`${label}: answered 201 but movement ${row.id} is ${JSON.stringify(row)}`);
      }
      if (
        paid.length !== 1 ||
        paid[0].provider !== row.provider ||
        paid[0].operation !== operation ||
        paid[0].amount !== row.amount ||
        paid[0].fee !== row.fee
      ) {
        problems.push(
          `${label}: completed at ${row.provider} (fee ${row.fee}) but the sandboxes completed ${JSON.stringify(paid)}`,
        );
      }
      const fee = minorOf(view.fee);
      if (request.kind === 'deposit') {
        const credited = minorOf(view.credited);
        if (credited !== request.amountMinor - fee)
          problems.push(
            `${label}: credited ${view.credited} for ${usdc(request.amountMinor)} less ${view.fee}`,
          );
        expected.set(request.user.id, (expected.get(request.user.id) ?? 0n) + credited);
      } else {
        const debited = minorOf(view.debited);
        if (debited !== request.amountMinor + fee)
          problems.push(
            `${label}: debited ${view.debited} for ${usdc(request.amountMinor)} plus ${view.fee}`,
          );
        expected.set(request.user.id, (expected.get(request.user.id) ?? 0n) - debited);
      }
    } else {
      if (row.status !== 'failed' || row.ledger_transaction_id)
        problems.push(`${label}: answered 422 but movement ${row.id} is ${row.status}`);
      if (paid.length > 0)
        problems.push(
          `${label}: failed on our side but a provider completed it: ${JSON.stringify(paid)} (money ${request.kind === 'deposit' ? 'received and not credited' : 'paid out and given back'})`,
        );
    }
  }

  for (const row of movements) {
    if (row.status === 'pending' || row.status === 'processing')
      problems.push(`movement ${row.id} (${row.kind}) is left ${row.status}`);
  }
  for (const [key, rows] of paidBy) {
    if (rows.length > 1)
      problems.push(`movement ${key} was paid ${rows.length} times: ${JSON.stringify(rows)}`);
  }
  const holds = await query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ledger_transactions WHERE status = 'pending' AND hold_account_id IN
       (SELECT id FROM ledger_accounts WHERE owner_id = ANY($1::uuid[]))`,
    [userIds],
  );
  if (holds[0].n > 0) problems.push(`${holds[0].n} holds are left pending on the customers' wallets`);

  // Each provider's clearing account against the sandbox's omnibus balance (completed transactions).
  const clearing = await query<{ provider: string; currency: string; total: string }>(
    `SELECT a.qualifier AS provider, a.currency, sum(e.amount)::text AS total
       FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE a.kind = 'provider_clearing' GROUP BY 1, 2`,
  );
  const omnibus = await query<{ provider: string; currency: string; total: string }>(
    `SELECT provider, currency,
            sum(CASE operation WHEN 'deposit' THEN amount - fee WHEN 'swap' THEN -amount ELSE -(amount + fee) END)::text AS total
       FROM sandbox_provider_transactions WHERE ${EFFECTIVE_STATUS} = 'completed' GROUP BY 1, 2`,
  );
  const lines = new Set([...clearing, ...omnibus].map((row) => `${row.provider}:${row.currency}`));
  for (const line of lines) {
    const ours = BigInt(clearing.find((row) => `${row.provider}:${row.currency}` === line)?.total ?? '0');
    const theirs = BigInt(omnibus.find((row) => `${row.provider}:${row.currency}` === line)?.total ?? '0');
    if (ours !== -theirs)
      problems.push(
        `${line}: clearing account ${ours}, provider omnibus balance ${theirs} (must be its negative)`,
      );
  }

  const balances = await query<{ owner_id: string; posted: string; pending_debits: string }>(
    `SELECT owner_id::text, posted::text, pending_debits::text FROM ledger_accounts
      WHERE kind = 'user_wallet' AND currency = 'USDC' AND owner_id = ANY($1::uuid[])`,
    [userIds],
  );
  for (const user of users) {
    const row = balances.find((balance) => balance.owner_id === user.id);
    const want = expected.get(user.id) ?? 0n;
    if (!row || BigInt(row.posted) !== want || row.pending_debits !== '0') {
      problems.push(
        `${user.email}: ledger balance ${row ? usdc(BigInt(row.posted)) : 'missing'} (pending ${row?.pending_debits}), the answers say ${usdc(want)}`,
      );
    }
  }

  const verify = await ledgerVerify(system);
  if (verify.code !== 0) problems.push(`npm run ledger:verify exited ${verify.code}:\n${verify.output}`);
  return {
    problems,
    figures: {
      completed,
      'provider transactions': sandbox.length,
      'providers reconciled': lines.size,
      'ledger:verify': verify.code === 0 ? 'clean' : `exit ${verify.code}`,
    },
  };
}
