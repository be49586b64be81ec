import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { signWebhook } from '#monay/providers';
import { AppConfig, OwnAddress } from '#monay/shared';
import { auth, balanceOf, expectBooksBalanced, onboard, type Customer } from './support/money';
import {
  adapterOf,
  depositRequest,
  expectClearingMirrorsProviders,
  startProviderTestApp,
} from './support/provider-movements';
import type { TestApp } from './support/test-app';
import { waitFor } from './support/wait';

describe('provider webhooks: verified, deduplicated, and settling a movement once', () => {
  let t: TestApp;
  let alice: Customer;
  let secret: string;

  beforeAll(async () => {
    // The request answers 202 at once, and no poller comes by (its interval is ten minutes): whatever settles
    // a movement here is a webhook.
    ({ t } = await startProviderTestApp({
      PROVIDER_SETTLE_WAIT_MS: '0',
      PROVIDER_POLL_INTERVAL_MS: '600000',
    }));
    alice = await onboard(t, 'alice');
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(alice))
      .send({ preferredProvider: 'circle' })
      .expect(200);
    secret = t.app.get(AppConfig).providers.webhookSecrets.circle;
  });
  afterAll(() => t.close());

  const now = () => Math.floor(Date.now() / 1000);

  /** A Circle deposit answered 202, and the moment Circle itself says it completed. */
  async function confirmedAtCircle(amount: string) {
    const response = await depositRequest(t, alice, { amount, currency: 'USDC' }).expect(202);
    const id = response.body.deposit.id as string;
    const transaction = await waitFor('Circle to complete the deposit', async () => {
      const seen = await adapterOf(t, 'circle').getTransactionStatus(id);
      return seen?.status === 'completed' ? seen : undefined;
    });
    return { id, transaction };
  }

  function notification(
    idempotencyKey: string,
    data: Record<string, unknown> = {},
    webhookId = `evt_${randomUUID()}`,
  ): { webhookId: string; body: string } {
    return {
      webhookId,
      body: JSON.stringify({
        id: webhookId,
        type: 'transaction.updated',
        provider: 'circle',
        createdAt: new Date().toISOString(),
        data: {
          idempotencyKey,
          providerTransactionId: 'x',
          status: 'completed',
          providerStatus: 'COMPLETE',
          ...data,
        },
      }),
    };
  }

  function post(name: string, webhookId: string, body: string, signature: string | undefined) {
    const request = t
      .http()
      .post(`/api/webhooks/providers/${name}`)
      .set('Content-Type', 'application/json')
      .set('Webhook-Id', webhookId);
    if (signature !== undefined) request.set('Webhook-Signature', signature);
    return request.send(body);
  }

  const deposit = async (id: string) =>
    (await t.http().get(`/api/consumer/deposits/${id}`).set(auth(alice)).expect(200)).body.deposit;

  const recorded = async () =>
    (
      (await t.app.get(DataSource).query(`SELECT count(*)::int AS n FROM provider_webhook_events`)) as Array<{
        n: number;
      }>
    )[0].n;

  it('refuses a missing, wrong or stale signature (401) and an unknown provider (404), changing nothing', async () => {
    const { id } = await confirmedAtCircle('20.00');
    const { webhookId, body } = notification(id);
    const cases: Array<[string, string | undefined]> = [
      ['missing', undefined],
      ['another secret', signWebhook('not-the-secret-at-all-not-the-secret', body, now())],
      ['another body', signWebhook(secret, body.replace('20', '21'), now())],
      ['stale', signWebhook(secret, body, now() - 3_600)],
      ['garbage', 't=abc,v1=zz'],
    ];
    for (const [what, signature] of cases) {
      const response = await post('circle', webhookId, body, signature);
      expect({ what, status: response.status }).toEqual({ what, status: 401 });
      expect(response.body).toMatchObject({ success: false, error: { code: 'WEBHOOK_SIGNATURE_INVALID' } });
    }
    const unknown = await post('paypal', webhookId, body, signWebhook(secret, body, now()));
    expect(unknown.status).toBe(404);
    // Signed with Circle's secret, sent as Tempo's: not Tempo's signature.
    expect((await post('tempo', webhookId, body, signWebhook(secret, body, now()))).status).toBe(401);

    expect(await deposit(id)).toMatchObject({ status: 'processing', credited: null });
    expect((await balanceOf(t, alice))?.total).toBe('0.00');
    expect(await recorded()).toBe(0);
  });

  it('a genuine webhook completes a 202 deposit; the same notification again is a duplicate, credited once', async () => {
    const { id: pending } = (
      await t.app
        .get(DataSource)
        .query(`SELECT id FROM provider_movements WHERE status = 'processing' ORDER BY created_at LIMIT 1`)
    )[0] as {
      id: string;
    };
    const { webhookId, body } = notification(pending);
    const first = await post('circle', webhookId, body, signWebhook(secret, body, now())).expect(200);
    expect(first.body).toEqual({ received: true, status: 'completed' });
    expect(await deposit(pending)).toMatchObject({
      status: 'completed',
      provider: 'circle',
      credited: '20.00',
    });
    expect((await balanceOf(t, alice))?.total).toBe('20.00');

    const again = await post('circle', webhookId, body, signWebhook(secret, body, now())).expect(200);
    expect(again.body).toEqual({ received: true, duplicate: true });
    // Another notification about the same, settled, transaction: nothing more either.
    const other = notification(pending);
    const late = await post(
      'circle',
      other.webhookId,
      other.body,
      signWebhook(secret, other.body, now()),
    ).expect(200);
    expect(late.body).toEqual({ received: true, status: 'completed' });
    expect((await balanceOf(t, alice))?.total).toBe('20.00');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });

  it('the same notification delivered five times at once credits once', async () => {
    const { id } = await confirmedAtCircle('7.00');
    const { webhookId, body } = notification(id);
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => post('circle', webhookId, body, signWebhook(secret, body, now()))),
    );
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    expect(responses.filter((r) => r.body.duplicate !== true)).toHaveLength(1);
    expect((await balanceOf(t, alice))?.total).toBe('27.00');
    await expectBooksBalanced(t, [alice]);
  });

  it('settles on what the provider says when asked, not on what the payload claims', async () => {
    const { id } = await confirmedAtCircle('3.00');
    const { webhookId, body } = notification(id, { status: 'failed', failureReason: 'made up' });
    const response = await post('circle', webhookId, body, signWebhook(secret, body, now())).expect(200);
    expect(response.body).toEqual({ received: true, status: 'completed' });
    expect(await deposit(id)).toMatchObject({ status: 'completed', credited: '3.00' });
    expect((await balanceOf(t, alice))?.total).toBe('30.00');
  });

  it('answers 200 and does nothing for a transaction that is not one of ours', async () => {
    for (const key of [randomUUID(), 'not-a-uuid']) {
      const { webhookId, body } = notification(key);
      const response = await post('circle', webhookId, body, signWebhook(secret, body, now())).expect(200);
      expect(response.body).toEqual({ received: true, ignored: true });
    }
    const malformed = JSON.stringify({ id: 'evt_x', type: 'transaction.updated', data: {} });
    expect((await post('circle', 'evt_x', malformed, signWebhook(secret, malformed, now()))).status).toBe(
      400,
    );
    expect((await balanceOf(t, alice))?.total).toBe('30.00');
  });

  it('a webhook the Circle sandbox itself sends completes the deposit', async () => {
    await t.app.listen(0, '127.0.0.1');
    t.app.get(OwnAddress).listeningOn(t.app.getHttpServer().address() as AddressInfo);
    const response = await depositRequest(t, alice, { amount: '12.00', currency: 'USDC' }).expect(202);
    const id = response.body.deposit.id as string;
    await waitFor('the sandbox webhook to settle the deposit', async () =>
      (await deposit(id)).status === 'completed' ? true : undefined,
    );
    const rows = (await t.app
      .get(DataSource)
      .query(`SELECT provider, outcome FROM provider_webhook_events WHERE movement_id = $1`, [id])) as Array<{
      provider: string;
      outcome: string;
    }>;
    expect(rows).toEqual([{ provider: 'circle', outcome: 'settled' }]);
    expect((await balanceOf(t, alice))?.total).toBe('42.00');
    await expectBooksBalanced(t, [alice]);
    await expectClearingMirrorsProviders(t);
  });
});
