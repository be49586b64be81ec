import { randomUUID } from 'node:crypto';
import { ProjectionRebuilder } from '#monay/insights';
import { OutboxRelay } from '#monay/shared';
import { analyticsState, journal, p2p } from './support/analytics';
import { auth, deposit, onboard, type Customer } from './support/money';
import { startTestApp, type TestApp } from './support/test-app';

type Group = { key: string | null; amount: string; count: number };

/**
 * User rules and corrections: a rule categorises movements made after it; its preview says what applying it to
 * the past would change, and applying it moves exactly those amounts between categories; a correction wins over
 * every rule; deleting a rule gives its movements back. All of it is user data that a rebuild keeps and applies.
 */
describe('analytics: rules recategorise future movements, then past ones after preview and apply', () => {
  let t: TestApp;
  let alice: Customer;
  let bob: Customer;
  let carol: Customer;
  const pastIds: string[] = [];
  let ruleId: string;

  const pay = async (to: Customer, amount: string, note: string) => {
    const response = await t
      .http()
      .post('/api/p2p-transfer/send')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ to: to.email, amount, note })
      .expect(201);
    await t.app.get(OutboxRelay).drain();
    return response.body.transfer.id as string;
  };
  /**
   * Spending of this whole month per category, from the monthly rollup (whole months) — checked against the same
   * by weeks (the weekly rollup's whole weeks) and by days, so that the three rollups move together.
   */
  const byCategory = async () => {
    const now = new Date();
    const from = `${now.toISOString().slice(0, 7)}-01`;
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const totals = async (granularity: string) => {
      const body = (
        await t
          .http()
          .get(`/api/analytics/spending?from=${from}&to=${to}&granularity=${granularity}&groupBy=category`)
          .set(auth(alice))
          .expect(200)
      ).body;
      return Object.fromEntries(
        (body.totals.groups as Group[]).map((g) => [g.key, `${g.amount} (${g.count})`]),
      ) as Record<string, string>;
    };
    const [monthly, weekly, daily] = await Promise.all([totals('month'), totals('week'), totals('day')]);
    expect(monthly).toEqual(daily);
    expect(weekly).toEqual(daily);
    return monthly;
  };
  const lineOf = async (transferId: string) => {
    const rows = (await t.http().get('/api/transactions/export?format=json').set(auth(alice)).expect(200))
      .body.transactions as Array<{ reference: string; category: string; sub_category: string }>;
    return rows.find((r) => r.reference === transferId);
  };

  beforeAll(async () => {
    t = await startTestApp();
    [alice, bob, carol] = [await onboard(t, 'alice'), await onboard(t, 'bob'), await onboard(t, 'carol')];
    await deposit(t, alice, '500.00');
    for (const amount of ['11.00', '12.00', '13.00']) pastIds.push(await pay(bob, amount, 'pizza'));
    await pay(carol, '7.00', 'pizza');
  }, 120_000);
  afterAll(() => t.close());

  it('classifies by note keywords until a rule says otherwise', async () => {
    expect(await lineOf(pastIds[0])).toMatchObject({
      category: 'FOOD_AND_DRINK',
      sub_category: 'FOOD_AND_DRINK_RESTAURANT',
    });
    expect((await byCategory()).FOOD_AND_DRINK).toBe('43.00 (4)');
  });

  it('creates a rule that categorises the movements made after it', async () => {
    const created = await t
      .http()
      .post('/api/analytics/rules')
      .set(auth(alice))
      .send({ match: { counterparty: bob.email }, category: 'RENT_AND_UTILITIES_RENT' })
      .expect(201);
    ruleId = created.body.rule.id;
    expect(created.body.rule).toMatchObject({
      match: { counterparty: bob.userId },
      category: 'RENT_AND_UTILITIES',
      subCategory: 'RENT_AND_UTILITIES_RENT',
      appliedToPastAt: null,
    });
    // The past is untouched until the rule is applied to it.
    expect((await byCategory()).FOOD_AND_DRINK).toBe('43.00 (4)');
    const after = await pay(bob, '14.00', 'pizza');
    expect(await lineOf(after)).toMatchObject({ category: 'RENT_AND_UTILITIES' });
    // Other counterparties are not matched.
    const toCarol = await pay(carol, '1.50', 'pizza');
    expect(await lineOf(toCarol)).toMatchObject({ category: 'FOOD_AND_DRINK' });
    const totals = await byCategory();
    expect(totals.RENT_AND_UTILITIES).toBe('14.00 (1)');
    expect(totals.FOOD_AND_DRINK).toBe('44.50 (5)');
    const listed = await t.http().get('/api/analytics/rules').set(auth(alice)).expect(200);
    expect(listed.body.rules.map((r: { id: string }) => r.id)).toEqual([ruleId]);
  });

  it('previews what applying the rule to the past would change, without changing it', async () => {
    const preview = await t
      .http()
      .post(`/api/analytics/rules/${ruleId}/preview`)
      .set(auth(alice))
      .expect(200);
    expect(preview.body).toMatchObject({ wouldChange: 3, amount: '36.00', truncated: false });
    expect(
      preview.body.changes.map((c: { transactionId: string; amount: string; from: object; to: object }) => [
        c.transactionId,
        c.amount,
        c.from,
        c.to,
      ]),
    ).toEqual(
      [...pastIds]
        .reverse()
        .map((id, i) => [
          id,
          ['13.00', '12.00', '11.00'][i],
          { category: 'FOOD_AND_DRINK', subCategory: 'FOOD_AND_DRINK_RESTAURANT' },
          { category: 'RENT_AND_UTILITIES', subCategory: 'RENT_AND_UTILITIES_RENT' },
        ]),
    );
    expect((await byCategory()).FOOD_AND_DRINK).toBe('44.50 (5)');
  });

  it('applies the rule to the past: exactly those amounts move, and applying again changes nothing', async () => {
    const applied = await t.http().post(`/api/analytics/rules/${ruleId}/apply`).set(auth(alice)).expect(200);
    expect(applied.body).toMatchObject({ changed: 3, amount: '36.00' });
    expect(applied.body.rule.appliedToPastAt).not.toBeNull();
    const totals = await byCategory();
    expect(totals.RENT_AND_UTILITIES).toBe('50.00 (4)');
    expect(totals.FOOD_AND_DRINK).toBe('8.50 (2)');
    const again = await t.http().post(`/api/analytics/rules/${ruleId}/apply`).set(auth(alice)).expect(200);
    expect(again.body.changed).toBe(0);
    expect(await byCategory()).toEqual(totals);
    const nothingLeft = await t
      .http()
      .post(`/api/analytics/rules/${ruleId}/preview`)
      .set(auth(alice))
      .expect(200);
    expect(nothingLeft.body.wouldChange).toBe(0);
  });

  it('corrects one movement (over any rule) and offers a rule for its counterparty', async () => {
    const corrected = await t
      .http()
      .put(`/api/transactions/${pastIds[1]}/category`)
      .set(auth(alice))
      .send({ category: 'ENTERTAINMENT' })
      .expect(200);
    expect(corrected.body.transaction).toMatchObject({
      id: pastIds[1],
      category: 'ENTERTAINMENT',
      subCategory: 'ENTERTAINMENT_OTHER_ENTERTAINMENT',
      confidence: 'VERY_HIGH',
      source: 'user',
    });
    // Three other payments to bob are rent: a rule for bob as entertainment would change them.
    expect(corrected.body.suggestedRule).toMatchObject({
      match: { counterparty: bob.userId },
      category: 'ENTERTAINMENT_OTHER_ENTERTAINMENT',
      pastMatches: 3,
    });
    const totals = await byCategory();
    expect(totals.RENT_AND_UTILITIES).toBe('38.00 (3)');
    expect(totals.ENTERTAINMENT).toBe('12.00 (1)');
  });

  it('survives a rebuild: rules and corrections are applied again to the replayed movements', async () => {
    const before = await analyticsState(t);
    const totals = await byCategory();
    await t.app.get(ProjectionRebuilder).rebuild();
    expect(await analyticsState(t)).toEqual(before);
    expect(await byCategory()).toEqual(totals);
  });

  it('deletes a rule: its movements go back to the classifier, a correction stays', async () => {
    const deleted = await t.http().delete(`/api/analytics/rules/${ruleId}`).set(auth(alice)).expect(200);
    // The three it categorised (the corrected one was the user's, not the rule's).
    expect(deleted.body).toMatchObject({ restored: 3 });
    expect(deleted.body.rule.deletedAt).not.toBeNull();
    const totals = await byCategory();
    expect(totals.RENT_AND_UTILITIES).toBeUndefined();
    expect(totals.FOOD_AND_DRINK).toBe('46.50 (5)');
    expect(totals.ENTERTAINMENT).toBe('12.00 (1)');
    // Deleting again answers the same; previewing or applying a deleted rule: 404.
    expect(
      (await t.http().delete(`/api/analytics/rules/${ruleId}`).set(auth(alice)).expect(200)).body.restored,
    ).toBe(0);
    await t.http().post(`/api/analytics/rules/${ruleId}/apply`).set(auth(alice)).expect(404);
    // Clearing the correction gives the movement back to the classifier.
    await t
      .http()
      .put(`/api/transactions/${pastIds[1]}/category`)
      .set(auth(alice))
      .send({ category: null })
      .expect(200);
    expect((await byCategory()).FOOD_AND_DRINK).toBe('58.50 (6)');
  });

  it('rules by merchant and by note text apply to movements of the journal after them', async () => {
    const byNote = await t
      .http()
      .post('/api/analytics/rules')
      .set(auth(alice))
      .send({ match: { noteContains: 'GYM' }, category: 'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS' })
      .expect(201);
    expect(byNote.body.rule.match).toEqual({ noteContains: 'gym' });
    const byMerchant = await t
      .http()
      .post('/api/analytics/rules')
      .set(auth(alice))
      .send({ match: { merchant: 'AMZN MKTP US*9Q1' }, category: 'GENERAL_MERCHANDISE_ELECTRONICS' })
      .expect(201);
    expect(byMerchant.body.rule.match).toEqual({ merchant: 'amazon' });
    const now = new Date();
    await journal(t, [
      p2p({ from: alice.userId, to: carol.userId, amount: '30.00', note: 'Monthly gym share', at: now }),
    ]);
    const line = (await t.http().get('/api/transactions/export?format=json').set(auth(alice)).expect(200))
      .body.transactions as Array<{ note: string; sub_category: string }>;
    expect(line.find((r) => r.note === 'Monthly gym share')?.sub_category).toBe(
      'PERSONAL_CARE_GYMS_AND_FITNESS_CENTERS',
    );
  });

  it('keeps rules and corrections private and validates them', async () => {
    await t.http().post(`/api/analytics/rules/${ruleId}/preview`).set(auth(bob)).expect(404);
    await t.http().delete(`/api/analytics/rules/${randomUUID()}`).set(auth(alice)).expect(404);
    await t.http().post('/api/analytics/rules/not-a-uuid/apply').set(auth(alice)).expect(404);
    const foreign = await t
      .http()
      .put(`/api/transactions/${pastIds[0]}/category`)
      .set(auth(carol))
      .send({ category: 'TRAVEL' })
      .expect(404);
    expect(foreign.body.error.code).toBe('TRANSACTION_NOT_FOUND');
    expect((await t.http().get('/api/analytics/rules').set(auth(bob)).expect(200)).body.rules).toEqual([]);
    const invalid: Array<[Record<string, unknown>, number, string]> = [
      [{ match: {}, category: 'TRAVEL' }, 400, 'VALIDATION_FAILED'],
      [{ match: { merchant: 'x' }, category: 'NOT_A_CATEGORY' }, 400, 'VALIDATION_FAILED'],
      [{ match: { merchant: 'x' } }, 400, 'VALIDATION_FAILED'],
      [{ match: 'amazon', category: 'TRAVEL' }, 400, 'VALIDATION_FAILED'],
      [{ match: { merchant: 'x', extra: 1 }, category: 'TRAVEL' }, 400, 'VALIDATION_FAILED'],
      [{ match: { counterparty: 'nobody@example.com' }, category: 'TRAVEL' }, 404, 'COUNTERPARTY_NOT_FOUND'],
      [{ match: { counterparty: 'just some words' }, category: 'TRAVEL' }, 400, 'VALIDATION_FAILED'],
    ];
    for (const [body, status, code] of invalid) {
      const response = await t.http().post('/api/analytics/rules').set(auth(alice)).send(body);
      expect([JSON.stringify(body), response.status, response.body.error?.code]).toEqual([
        JSON.stringify(body),
        status,
        code,
      ]);
    }
    await t
      .http()
      .put(`/api/transactions/${pastIds[0]}/category`)
      .set(auth(alice))
      .send({ category: 'FOOD' })
      .expect(400);
    await t.http().put(`/api/transactions/${pastIds[0]}/category`).set(auth(alice)).send({}).expect(400);
  });

  it('refuses to categorise an own-asset swap, which is never spending', async () => {
    const swap = await t
      .http()
      .post('/api/consumer/swap')
      .set(auth(alice))
      .set('Idempotency-Key', randomUUID())
      .send({ from: 'USDC', to: 'USDT', amount: '20.00' });
    expect([201, 202]).toContain(swap.status);
    const swapId = swap.body.swap.id as string;
    const settled = async () => {
      await t.app.get(OutboxRelay).drain();
      const rows = (await t.http().get('/api/transactions/export?format=json').set(auth(alice)).expect(200))
        .body.transactions as Array<{ reference: string; type: string; status: string }>;
      return rows.filter((r) => r.reference === swapId && r.status === 'completed');
    };
    for (let i = 0; i < 100 && (await settled()).length < 2; i += 1)
      await new Promise((r) => setTimeout(r, 100));
    const spending = (
      await t.http().get('/api/analytics/spending?groupBy=category').set(auth(alice)).expect(200)
    ).body;
    expect((spending.totals.groups as Group[]).map((g) => g.key)).not.toContain('TRANSFER_OUT');
    const refused = await t
      .http()
      .put(`/api/transactions/${swapId}/category`)
      .set(auth(alice))
      .send({ category: 'TRAVEL' })
      .expect(422);
    expect(refused.body.error.code).toBe('CATEGORY_NOT_APPLICABLE');
  });
});
