import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { OutboxRelay, PublishedEvent } from '#monay/shared';
import { RewardsEarner } from '../libs/rewards/src/application/rewards-earner';
import { RealtimeClient } from '../libs/realtime/src/testing/realtime-client';
import { adminHeader, registerAdmin, type Admin } from './support/admin';
import { auth, balanceOf, deposit, expectBooksBalanced, onboard, type Customer } from './support/money';
import { advanceClock } from './support/security';
import { startTestApp, type TestApp } from './support/test-app';

/** Moves the clock once what was done so far has reached rewards (the relay applies events after the commit). */
async function advance(t: TestApp, admin: Admin, minutes: number): Promise<void> {
  await t.app.get(OutboxRelay).waitUntilPublished();
  await advanceClock(t, admin, minutes);
}

/**
 * Rewards points are ledger money (PTS): a first deposit earns points that stay pending through their lock period
 * on the application clock, then can be redeemed once per Idempotency-Key for USDC cashback (booked in the ledger
 * and in history), gift cards from a catalog with stock, at the level the member holds; achievements unlock once;
 * money going round between two members earns nothing; unspent points expire after 12 months, oldest first.
 */
const RULES = [
  {
    id: 'first-deposit-bonus',
    on: 'deposit',
    description: 'First deposit of 10 USD or more',
    points: { fixed: 600 },
    minUsd: '10.00',
    only: 'first',
    lockHours: 72,
  },
  {
    id: 'p2p-sent',
    on: 'p2p_sent',
    description: '1 point per dollar sent',
    points: { perUsd: 1, max: 100 },
    minUsd: '1.00',
    lockHours: 0,
  },
];

async function settled(t: TestApp): Promise<void> {
  await t.app.get(OutboxRelay).waitUntilPublished();
}

async function points(t: TestApp, customer: Customer) {
  await settled(t);
  return (await t.http().get('/api/rewards/balance').set(auth(customer)).expect(200)).body;
}

async function history(
  t: TestApp,
  customer: Customer,
): Promise<Array<{ kind: string; points: string; reason: string }>> {
  await settled(t);
  return (await t.http().get('/api/rewards/history?limit=100').set(auth(customer)).expect(200)).body.items;
}

function redeem(t: TestApp, customer: Customer, itemId: string, quantity: number, key = randomUUID()) {
  return t
    .http()
    .post('/api/rewards/redeem')
    .set(auth(customer))
    .set('Idempotency-Key', key)
    .send({ itemId, quantity });
}

async function expectPointsReconciled(t: TestApp, admin: Admin): Promise<void> {
  await settled(t);
  const report = await t.http().get('/api/admin/rewards/reconciliation').set(adminHeader(admin)).expect(200);
  expect(report.body).toMatchObject({ ok: true, mismatches: [] });
}

/**
 * The same 16 transfers given to rewards as one relay batch (one group of four members) and one event at a time
 * (another group): every rewards table and the members' points in the ledger end alike. Answers the batched group's.
 */
async function batchAgainstSingle(t: TestApp) {
  // The relay hands rewards a batch of events at once: the payments, counters, achievements and accounts of a
  // batch are each one statement. Two groups of four members get the same 16 transfers (money going round, a
  // member paid twice, the tenth transfer): one group as a single batch, the other one event at a time.
  const group = async (prefix: string) =>
    Promise.all(['a', 'b', 'c', 'd'].map((name) => onboard(t, `${prefix}${name}`)));
  const [batched, single] = [await group('batch'), await group('single')];
  const script: Array<[from: number, to: number, amount: string]> = [
    [0, 1, '2.00'],
    [1, 0, '3.00'], // back to 0: going round, earns and counts nothing
    [0, 1, '4.00'], // 1 paid 0 in the window: going round too
    [0, 2, '5.00'],
    [0, 2, '1.00'], // 2 again: not a new recipient
    [2, 3, '6.00'],
    [3, 3, '1.00'], // to oneself: nothing
    ...Array.from({ length: 9 }, (_, i): [number, number, string] => [0, 3, `${i + 1}.00`]),
  ];
  const start = Date.now();
  const events = (members: Customer[]) =>
    script.map(([from, to, amount], i) => {
      const payload = {
        transferId: randomUUID(),
        batchId: null,
        senderId: members[from].userId,
        recipientId: members[to].userId,
        currency: 'USDC',
        amount,
        fee: '0.00',
        note: null,
        ledgerTransactionId: randomUUID(),
        completedAt: new Date(start + i).toISOString(),
      };
      const userIds = [...new Set([payload.senderId, payload.recipientId])];
      return new PublishedEvent(
        randomUUID(),
        String(i + 1),
        'FundsTransferred',
        payload.transferId,
        userIds,
        payload,
        new Date(start + i),
      );
    });
  const earner = t.app.get(RewardsEarner);
  const db = t.app.get(DataSource);
  await db.transaction((tx) => earner.applyAll(tx, events(batched)));
  for (const event of events(single)) await db.transaction((tx) => earner.applyAll(tx, [event]));

  const state = async (members: Customer[]) => {
    const ids = members.map((m) => m.userId);
    const index = (id: string) => ids.indexOf(id);
    const rows = async (sql: string) => (await db.query(sql, [ids])) as Array<Record<string, unknown>>;
    return {
      counters: (
        await rows(`SELECT user_id, counter, value::text FROM reward_counters WHERE user_id = ANY($1)`)
      )
        .map((r) => `${index(r.user_id as string)} ${r.counter} ${r.value}`)
        .sort(),
      achievements: (
        await rows(`SELECT user_id, achievement_id FROM reward_achievements WHERE user_id = ANY($1)`)
      )
        .map((r) => `${index(r.user_id as string)} ${r.achievement_id}`)
        .sort(),
      recipients: (await rows(`SELECT user_id, recipient_id FROM reward_recipients WHERE user_id = ANY($1)`))
        .map((r) => `${index(r.user_id as string)}>${index(r.recipient_id as string)}`)
        .sort(),
      earns: (
        await rows(`SELECT user_id, rule_id, points::text, status FROM reward_earns WHERE user_id = ANY($1)`)
      )
        .map((r) => `${index(r.user_id as string)} ${r.rule_id} ${r.points} ${r.status}`)
        .sort(),
      accounts: (
        await rows(
          `SELECT user_id, lifetime_points::text, streak_weeks FROM reward_accounts WHERE user_id = ANY($1)`,
        )
      )
        .map((r) => `${index(r.user_id as string)} ${r.lifetime_points} ${r.streak_weeks}`)
        .sort(),
      activity: (
        await rows(`SELECT user_id, kind, points::text FROM reward_activity WHERE user_id = ANY($1)`)
      )
        .map((r) => `${index(r.user_id as string)} ${r.kind} ${r.points}`)
        .sort(),
      holds: (
        await rows(
          `SELECT e.user_id, e.rule_id, h.hold_amount::text AS amount, h.status
               FROM reward_earns e JOIN ledger_transactions h ON h.id = e.hold_id WHERE e.user_id = ANY($1)`,
        )
      )
        .map((r) => `${index(r.user_id as string)} ${r.rule_id} ${r.amount} ${r.status}`)
        .sort(),
      points: (
        await rows(
          `SELECT owner_id, posted::text, pending_debits::text FROM ledger_accounts
              WHERE owner_id = ANY($1) AND currency = 'PTS'`,
        )
      )
        .map((r) => `${index(r.owner_id as string)} ${r.posted} ${r.pending_debits}`)
        .sort(),
    };
  };
  const [one, other] = [await state(batched), await state(single)];
  expect(one).toEqual(other);
  return { one };
}

describe('rewards: points in the ledger', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp({ REWARDS_RULES: JSON.stringify(RULES) });
    admin = await registerAdmin(t);
  });
  afterAll(() => t.close());

  it('a first deposit earns pending points that become available on the clock; cashback credits USDC exactly, once', async () => {
    const ann = await onboard(t, 'ann');
    await deposit(t, ann, '50.00');
    // The deposit's 600 are pending for 72 h; the first-deposit achievement's 100 are available at once.
    expect(await points(t, ann)).toMatchObject({ available: '100', pending: '600', lifetime: '100' });
    const catalog = (await t.http().get('/api/rewards/catalog').set(auth(ann)).expect(200)).body.items;
    expect(catalog.find((item: { id: string }) => item.id === 'cashback-5-usdc')).toMatchObject({
      cost: '500',
      cashback: { currency: 'USDC', amount: '5.00' },
      availability: 'insufficient_points',
    });
    await redeem(t, ann, 'cashback-5-usdc', 1).expect(422, /INSUFFICIENT_POINTS/);

    await advance(t, admin, 71 * 60);
    expect(await points(t, ann)).toMatchObject({ available: '100', pending: '600' });
    await advance(t, admin, 60);
    expect(await points(t, ann)).toMatchObject({ available: '700', pending: '0', lifetime: '700' });

    const key = randomUUID();
    const first = await redeem(t, ann, 'cashback-5-usdc', 1, key).expect(201);
    expect(first.body.redemption).toMatchObject({
      points: '500',
      cashback: { currency: 'USDC', amount: '5.00' },
    });
    const again = await redeem(t, ann, 'cashback-5-usdc', 1, key).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await balanceOf(t, ann))?.total).toBe('55.00');
    expect(await points(t, ann)).toMatchObject({ available: '200' });

    // History is a read model the relay's consumers write: read it once they have the redemption's events.
    await t.app.get(OutboxRelay).drain();
    const lines = (await t.http().get('/api/transactions').set(auth(ann)).expect(200)).body;
    const reward = (lines.transactions ?? lines.items).find(
      (line: { type: string }) => line.type === 'reward',
    );
    expect(reward).toMatchObject({ amount: '5.00', currency: 'USDC', status: 'completed' });
    // Newest first; lines written at the same instant come in no particular order.
    const lines2 = (await history(t, ann)).map((line) => `${line.kind} ${line.points}`);
    expect(lines2[0]).toBe('redeemed -500');
    expect(lines2[1]).toBe('vested 600');
    expect(lines2.slice(2).sort()).toEqual(['earned 100', 'earned 600', 'vested 100']);
    await expectBooksBalanced(t, [ann]);
    await expectPointsReconciled(t, admin);
  });

  it('achievements unlock once, however many transfers arrive at once; money sent back earns nothing', async () => {
    const [bea, cal, dan] = [await onboard(t, 'bea'), await onboard(t, 'cal'), await onboard(t, 'dan')];
    await deposit(t, bea, '100.00');
    const send = (from: Customer, to: Customer, amount: string) =>
      t
        .http()
        .post('/api/p2p-transfer/send')
        .set(auth(from))
        .set('Idempotency-Key', randomUUID())
        .send({ to: to.email, amount, currency: 'USDC' })
        .expect(201);
    await Promise.all([send(bea, cal, '20.00'), send(bea, dan, '30.00'), send(bea, cal, '5.00')]);
    await settled(t);
    const achievements = (await t.http().get('/api/rewards/achievements').set(auth(bea)).expect(200)).body
      .achievements as Array<{ id: string; unlockedAt: string | null; progress: { current: number } }>;
    const byId = new Map(achievements.map((a) => [a.id, a]));
    expect(byId.get('first-transfer')?.unlockedAt).not.toBeNull();
    expect(byId.get('five-recipients')).toMatchObject({ unlockedAt: null, progress: { current: 2 } });
    const earned = await history(t, bea);
    expect(earned.filter((line) => line.reason === 'Achievement: First transfer')).toHaveLength(2); // earned + vested
    // 20 + 30 + 5 points for what was sent.
    expect(
      earned
        .filter((line) => line.kind === 'earned' && line.reason.startsWith('1 point'))
        .map((l) => l.points)
        .sort(),
    ).toEqual(['20', '30', '5']);

    // Cal pays Bea back: money going round between the same members earns nothing.
    await send(cal, bea, '10.00');
    expect((await history(t, cal)).filter((line) => line.reason.startsWith('1 point'))).toEqual([]);
    await expectPointsReconciled(t, admin);
  });

  it('a relay batch of transfers books exactly what the same transfers book one at a time', async () => {
    // Points that vest at once (this file's rules).
    const { one } = await batchAgainstSingle(t);
    // And what that is: 0 sent 12 counted transfers (ten-transfers reached) to 3 members; 2 sent one; 1 and 3 none.
    expect(one.counters).toEqual(
      [
        '0 distinct_recipients 3',
        '0 p2p_sent 12',
        '0 streak_weeks 1',
        '2 distinct_recipients 1',
        '2 p2p_sent 1',
        '2 streak_weeks 1',
      ].sort(),
    );
    expect(one.achievements).toEqual(['0 first-transfer', '0 ten-transfers', '2 first-transfer']);
    expect(one.recipients).toEqual(['0>1', '0>2', '0>3', '1>0', '2>3']);
    expect(one.holds).toEqual([]);
    // 0's earns: 2 + 5 + 1 + (1 + … + 9) = 53 points, vested; 2's: 6. Plus the achievements' points.
    expect(one.earns.filter((earn) => / p2p-sent \d+ available$/.test(earn))).toHaveLength(13);
  });

  it('unspent points are announced 30 days before they expire, then expire oldest first', async () => {
    const eve = await onboard(t, 'eve');
    await deposit(t, eve, '20.00');
    await advance(t, admin, 73 * 60);
    expect(await points(t, eve)).toMatchObject({ available: '700', expiringSoon: '0' });
    // Twelve months after they became available: announced first, then expired.
    await advance(t, admin, 336 * 24 * 60);
    expect(await points(t, eve)).toMatchObject({ available: '700', expiringSoon: '700' });
    await advance(t, admin, 31 * 24 * 60);
    expect(await points(t, eve)).toMatchObject({ available: '0', expiringSoon: '0' });
    expect(
      (await history(t, eve))
        .filter((line) => line.kind === 'expired')
        .map((line) => line.points)
        .sort(),
    ).toEqual(['-100', '-600']);
    await expectPointsReconciled(t, admin);
  });
});

describe('rewards: levels, stock and the catalog', () => {
  let t: TestApp;
  let admin: Admin;

  beforeAll(async () => {
    t = await startTestApp({
      REWARDS_RULES: JSON.stringify([{ ...RULES[0], points: { fixed: 60_000 }, lockHours: 0 }]),
    });
    admin = await registerAdmin(t);
    await t.app.listen(0, '127.0.0.1');
  });
  afterAll(() => t.close());

  it('a Platinum member gets 25% more cashback; gift cards come out of stock until there is none', async () => {
    const fay = await onboard(t, 'fay');
    const socket = await RealtimeClient.connect(await t.app.getUrl(), fay.token);
    await deposit(t, fay, '10.00');
    expect(await points(t, fay)).toMatchObject({
      available: '60100',
      level: { name: 'platinum', cashbackBonusPercent: 25, next: null },
    });
    // The level and the achievement reach the member's socket and inbox.
    const updates = [
      await socket.nth('rewards.updated', 0),
      await socket.nth('rewards.updated', 1),
      await socket.nth('rewards.updated', 2),
      await socket.nth('rewards.updated', 3),
    ];
    socket.close();
    expect(updates.map((update) => update.kind).sort()).toEqual(['achievement', 'earned', 'earned', 'level']);
    expect(updates.find((update) => update.kind === 'level')).toMatchObject({
      level: 'platinum',
      previous: 'bronze',
    });
    const inbox = (await t.http().get('/api/notifications').set(auth(fay)).expect(200)).body;
    const kinds = ((inbox.notifications ?? inbox.items) as Array<{ kind: string }>).map((n) => n.kind);
    expect(kinds).toEqual(expect.arrayContaining(['rewards.level_up', 'rewards.achievement']));
    const cashback = await redeem(t, fay, 'cashback-5-usdc', 2).expect(201);
    expect(cashback.body.redemption).toMatchObject({ points: '1000', cashback: { amount: '12.50' } });
    expect((await balanceOf(t, fay))?.total).toBe('22.50');

    const travel = await redeem(t, fay, 'gift-travel-100', 5).expect(201);
    expect(travel.body.redemption.giftCards).toHaveLength(5);
    expect(new Set(travel.body.redemption.giftCards).size).toBe(5);
    await redeem(t, fay, 'gift-travel-100', 1).expect(422, /OUT_OF_STOCK/);
    const catalog = (await t.http().get('/api/rewards/catalog').set(auth(fay)).expect(200)).body.items;
    expect(catalog.find((item: { id: string }) => item.id === 'gift-travel-100')).toMatchObject({
      stock: 0,
      availability: 'out_of_stock',
    });
    expect(await points(t, fay)).toMatchObject({ available: String(60_100 - 1_000 - 50_000) });

    const gus = await onboard(t, 'gus');
    await redeem(t, gus, 'gift-books-25', 1).expect(422, /REWARD_LEVEL_REQUIRED/);
    await redeem(t, gus, 'no-such-item', 1).expect(404, /REWARD_ITEM_NOT_FOUND/);
    await redeem(t, gus, 'cashback-5-usdc', 0).expect(400);
    await expectBooksBalanced(t, [fay, gus]);
    await expectPointsReconciled(t, admin);
  });
});

describe('rewards under the default rules: pending points', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('a relay batch of transfers earning pending points holds each earn on its own, as one at a time does', async () => {
    // The default rules: a transfer's points stay pending for 24 hours, a ledger hold on the rewards pool each.
    const { one } = await batchAgainstSingle(t);
    // 0 sent 2 + 5 + 1 + (1 + … + 9) in twelve counted transfers, 2 sent 6: one pending hold per transfer.
    expect(one.holds.filter((hold) => hold.includes(' p2p-sent '))).toEqual(
      [2, 5, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9]
        .map((points) => `0 p2p-sent ${points} pending`)
        .concat('2 p2p-sent 6 pending')
        .sort(),
    );
    expect(one.earns.filter((earn) => / p2p-sent \d+ pending$/.test(earn))).toHaveLength(13);
  });
});
