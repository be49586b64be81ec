import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, type ChaosSystem } from './chaos-system';
import { finalReply, transferIdOf, usdc, type ChaosUser, type TransferRequest } from './transfer-load';

/** A payment the scenario expects besides its P2P requests (a recurring occurrence, say). */
export interface ExpectedMovement {
  from: ChaosUser;
  to: ChaosUser;
  amountMinor: bigint;
}

export interface AuditReport {
  problems: string[];
  figures: {
    transfersChecked: number;
    refusalsChecked: number;
    idempotencyKeys: number;
    usersBalanced: number;
    ledgerVerify: string;
  };
}

interface TransferRow extends Record<string, unknown> {
  id: string;
  sender_user_id: string;
  recipient_user_id: string;
  amount: string;
  currency: string;
  status: string;
  ledger_transaction_id: string | null;
}

/**
 * The audit that closes every fault scenario, from the database itself (read-only SQL on the disposable
 * cluster) and `npm run ledger:verify`:
 * - every request has a final answer; every acknowledged transfer (2xx) exists once, completed, with the
 *   amount, parties and ledger transaction it claims (entries: sender −amount, recipient +amount); every
 *   refused one (4xx) is recorded failed and moved nothing; every attempt of one request named the same transfer;
 * - every Idempotency-Key is stored once, completed (none left in flight), with the answer the client got;
 *   no transfer exists that no key accounts for, and no two keys share a transfer;
 * - each customer's balance is exactly where the acknowledged answers put it; user balances plus system
 *   accounts sum to zero per currency; every ledger invariant holds.
 */
export async function audit(
  system: ChaosSystem,
  requests: TransferRequest[],
  users: ChaosUser[],
  expected: ExpectedMovement[] = [],
): Promise<AuditReport> {
  const problems: string[] = [];
  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) =>
    system.pg.query<T>('monay', sql, params);
  const userIds = users.map((user) => user.id);

  const transfers = new Map(
    (
      await query<TransferRow>(
        `SELECT id, sender_user_id, recipient_user_id, amount::text AS amount, currency, status, ledger_transaction_id
           FROM transfers WHERE sender_user_id = ANY($1::uuid[])`,
        [userIds],
      )
    ).map((row) => [row.id, row]),
  );
  const ledgerTransactions = new Map(
    (
      await query<{ id: string; reference: string; status: string; kind: string }>(
        `SELECT id, reference, status, kind FROM ledger_transactions WHERE reference = ANY($1::text[])`,
        [[...transfers.keys()]],
      )
    ).map((row) => [row.reference, row]),
  );
  const entries = await query<{ transaction_id: string; owner_id: string | null; amount: string }>(
    `SELECT e.transaction_id, a.owner_id, e.amount::text AS amount
       FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
      WHERE e.transaction_id = ANY($1::uuid[])`,
    [[...ledgerTransactions.values()].map((row) => row.id)],
  );
  const entriesOf = new Map<string, Array<{ owner: string | null; amount: bigint }>>();
  for (const entry of entries) {
    const list = entriesOf.get(entry.transaction_id) ?? [];
    list.push({ owner: entry.owner_id, amount: BigInt(entry.amount) });
    entriesOf.set(entry.transaction_id, list);
  }
  const keys = new Map(
    (
      await query<{
        user_id: string;
        key: string;
        status: string;
        response_status: number | null;
        transfer_id: string | null;
      }>(
        `SELECT user_id, key, status, response_status, response_body #>> '{transfer,id}' AS transfer_id
           FROM idempotency_keys WHERE user_id = ANY($1::uuid[])`,
        [userIds],
      )
    ).map((row) => [`${row.user_id}:${row.key}`, row]),
  );

  // Requests: answered, and the database agrees with every answer.
  let transfersChecked = 0;
  let refusalsChecked = 0;
  for (const request of requests) {
    const label = `request #${request.index} (key ${request.key})`;
    const final = finalReply(request);
    if (!final) {
      const last = request.attempts.at(-1);
      problems.push(
        `${label} never got a final answer after ${request.attempts.length} attempts (last: ${last?.answered ? last.status : last?.error})`,
      );
      continue;
    }
    const transferId = transferIdOf(final);
    const ids = new Set(request.attempts.map(transferIdOf).filter((id): id is string => id !== undefined));
    if (ids.size > 1)
      problems.push(`${label} was answered with ${ids.size} different transfers: ${[...ids].join(', ')}`);
    const key = keys.get(`${request.sender.id}:${request.key}`);
    if (!key) problems.push(`${label}: answered ${final.status} but its Idempotency-Key is not stored`);
    else if (
      key.status !== 'completed' ||
      key.response_status !== final.status ||
      key.transfer_id !== (transferId ?? null)
    ) {
      problems.push(
        `${label}: the stored key says ${key.status}/${key.response_status}/${key.transfer_id}, the client got ${final.status}/${transferId}`,
      );
    }
    if (!transferId) {
      problems.push(
        `${label}: answered ${final.status} without a transfer: ${JSON.stringify(final.body).slice(0, 200)}`,
      );
      continue;
    }
    const row = transfers.get(transferId);
    if (!row) {
      problems.push(`${label}: transfer ${transferId} (answered ${final.status}) is not in the database`);
      continue;
    }
    const ledger = ledgerTransactions.get(transferId);
    if (final.status === 201) {
      transfersChecked += 1;
      const mismatch =
        row.status !== 'completed' ||
        row.sender_user_id !== request.sender.id ||
        row.recipient_user_id !== request.recipient.id ||
        BigInt(row.amount) !== request.amountMinor ||
        row.currency !== 'USDC';
      if (mismatch)
        problems.push(
          `${label}: transfer ${transferId} is ${JSON.stringify(row)}, not what was acknowledged`,
        );
      if (!ledger || ledger.id !== row.ledger_transaction_id || ledger.status !== 'posted') {
        problems.push(
          `${label}: transfer ${transferId} claims ledger transaction ${row.ledger_transaction_id}, found ${JSON.stringify(ledger)}`,
        );
      } else {
        const moved = entriesOf.get(ledger.id) ?? [];
        const senderSide = moved
          .filter((e) => e.owner === request.sender.id)
          .reduce((sum, e) => sum + e.amount, 0n);
        const recipientSide = moved
          .filter((e) => e.owner === request.recipient.id)
          .reduce((sum, e) => sum + e.amount, 0n);
        if (senderSide !== -request.amountMinor || recipientSide !== request.amountMinor) {
          problems.push(
            `${label}: ledger ${ledger.id} moved ${senderSide}/${recipientSide}, not −/+${request.amountMinor}`,
          );
        }
      }
    } else {
      refusalsChecked += 1;
      if (row.status !== 'failed' || row.ledger_transaction_id !== null || ledger) {
        problems.push(
          `${label}: refused (${final.status}) but transfer ${transferId} is ${row.status} with ledger ${row.ledger_transaction_id ?? ledger?.id}`,
        );
      }
    }
  }

  // Keys: none left in flight; every transfer accounted for by exactly one key.
  for (const [id, key] of keys)
    if (key.status !== 'completed') problems.push(`Idempotency-Key ${id} is left ${key.status}`);
  const keyOfTransfer = new Map<string, string>();
  for (const [id, key] of keys) {
    if (!key.transfer_id) continue;
    const other = keyOfTransfer.get(key.transfer_id);
    if (other) problems.push(`transfer ${key.transfer_id} is claimed by two keys: ${other} and ${id}`);
    keyOfTransfer.set(key.transfer_id, id);
  }
  for (const id of transfers.keys()) {
    if (!keyOfTransfer.has(id)) problems.push(`transfer ${id} exists but no Idempotency-Key accounts for it`);
  }

  // Balances: where the acknowledged answers (and the expected extra movements) put them, to the minor unit.
  const expectedMinor = new Map(users.map((user) => [user.id, user.startMinor]));
  const move = (from: string, to: string, amount: bigint) => {
    expectedMinor.set(from, (expectedMinor.get(from) ?? 0n) - amount);
    expectedMinor.set(to, (expectedMinor.get(to) ?? 0n) + amount);
  };
  for (const request of requests) {
    if (finalReply(request)?.status === 201)
      move(request.sender.id, request.recipient.id, request.amountMinor);
  }
  for (const movement of expected) move(movement.from.id, movement.to.id, movement.amountMinor);
  const balances = await query<{ owner_id: string; posted: string; pending_debits: string }>(
    `SELECT owner_id, posted::text AS posted, pending_debits::text AS pending_debits
       FROM ledger_accounts WHERE kind = 'user_wallet' AND currency = 'USDC' AND owner_id = ANY($1::uuid[])`,
    [userIds],
  );
  let usersBalanced = 0;
  for (const user of users) {
    const row = balances.find((balance) => balance.owner_id === user.id);
    const want = expectedMinor.get(user.id) ?? 0n;
    if (!row || BigInt(row.posted) !== want || row.pending_debits !== '0') {
      problems.push(
        `${user.email}: ledger balance ${row ? usdc(BigInt(row.posted)) : 'missing'} (pending ${row?.pending_debits}), expected ${usdc(want)}`,
      );
    } else usersBalanced += 1;
  }
  const sums = await query<{ currency: string; total: string }>(
    `SELECT currency, sum(total)::text AS total FROM (
       SELECT currency, posted AS total FROM ledger_accounts WHERE owner_id IS NOT NULL
       UNION ALL
       SELECT a.currency, e.amount FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id WHERE a.owner_id IS NULL
     ) balances GROUP BY currency`,
  );
  for (const sum of sums) {
    if (sum.total !== '0')
      problems.push(`${sum.currency}: user balances plus system accounts sum to ${sum.total}, not 0`);
  }

  const verify = await ledgerVerify(system);
  if (verify.code !== 0) problems.push(`npm run ledger:verify exited ${verify.code}:\n${verify.output}`);

  return {
    problems,
    figures: {
      transfersChecked,
      refusalsChecked,
      idempotencyKeys: keys.size,
      usersBalanced,
      ledgerVerify: verify.code === 0 ? 'clean' : `exit ${verify.code}`,
    },
  };
}

/** `npm run ledger:verify` on the scenario's database (the built script; the suite built dist first). */
export function ledgerVerify(system: ChaosSystem): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...system.env, LOG_LEVEL: 'warn' };
    // Run alone, as an operator would: no Redis, so no relay placement either.
    delete env.REDIS_URL;
    delete env.OUTBOX_RELAY;
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, [join(ROOT, 'dist/scripts/ledger-verify.js')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', (error) => resolve({ code: null, output: error.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}
