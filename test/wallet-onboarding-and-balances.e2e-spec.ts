import { auth, deposit, expectBooksBalanced, onboard } from './support/money';
import { newUser, startTestApp, type TestApp } from './support/test-app';

describe('wallet: onboarding, balances, limits, preferences', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ EURC_USD_PRICE: '1.08' });
  });
  afterAll(() => t.close());

  it('onboards a consumer with a wallet, an address, level-1 limits and tokens', async () => {
    const user = newUser('onboard');
    const response = await t.http().post('/api/consumer/onboard').send(user).expect(201);
    expect(response.body).toMatchObject({
      success: true,
      user: { email: user.email },
      wallet: { kycLevel: 1, currencies: ['USDC', 'USDT', 'PYUSD', 'EURC'] },
      limits: {
        kycLevel: 1,
        daily: { limit: '1000.00', used: '0.00', remaining: '1000.00' },
        monthly: { limit: '30000.00', used: '0.00', remaining: '30000.00' },
      },
    });
    expect(response.body.wallet.address).toMatch(/^monay:[a-z2-9]{20}$/);
    expect(typeof response.body.accessToken).toBe('string');
  });

  it('refuses a requested KYC level above 1 with 403 and creates nothing', async () => {
    const user = newUser('kyc');
    const response = await t
      .http()
      .post('/api/consumer/onboard')
      .send({ ...user, kycLevel: 2 })
      .expect(403);
    expect(response.body.error.code).toBe('KYC_VERIFICATION_REQUIRED');
    await t.http().post('/api/auth/login').send(user).expect(401);
  });

  it('gives a user who registered through /api/auth the same wallet on first use', async () => {
    const registered = await t.http().post('/api/auth/register').send(newUser('late')).expect(201);
    const response = await t
      .http()
      .get('/api/wallet/balance')
      .set('Authorization', `Bearer ${registered.body.accessToken}`)
      .expect(200);
    expect(response.body).toEqual({
      success: true,
      balances: ['USDC', 'USDT', 'PYUSD', 'EURC'].map((currency) => ({
        currency,
        available: '0.00',
        pending: '0.00',
        total: '0.00',
      })),
      totalUSD: '0.00',
    });
  });

  it('reports balances per currency with a USD total (EURC at its configured price)', async () => {
    const carol = await onboard(t, 'carol');
    await deposit(t, carol, '12.345678', 'USDC');
    await deposit(t, carol, '10.00', 'EURC');
    const post = await t.http().post('/api/wallet/balance').set(auth(carol)).expect(200);
    expect(post.body.balances[0]).toEqual({
      currency: 'USDC',
      available: '12.345678',
      pending: '0.00',
      total: '12.345678',
    });
    expect(post.body.balances[3]).toEqual({
      currency: 'EURC',
      available: '10.00',
      pending: '0.00',
      total: '10.00',
    });
    expect(post.body.totalUSD).toBe('23.14'); // 12.34 (rounded down) + 10.80
    const portfolio = await t.http().get('/api/consumer/portfolio').set(auth(carol)).expect(200);
    expect(portfolio.body).toMatchObject({ success: true, primaryProvider: 'monay' });
    await expectBooksBalanced(t, [carol]);
  });

  it('keeps consumer preferences with sensible defaults', async () => {
    const dave = await onboard(t, 'dave');
    const defaults = await t.http().get('/api/consumer/preferences').set(auth(dave)).expect(200);
    expect(defaults.body.preferences).toEqual({
      preferredCurrency: 'USDC',
      autoBalance: false,
      autoConvert: false,
      smartRouting: true,
      instantNotifications: true,
      preferredProvider: null,
      timezone: 'UTC',
    });
    // A time zone is kept in its usual spelling; an offset or an unknown zone is refused.
    const zoned = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(dave))
      .send({ timezone: 'europe/paris' })
      .expect(200);
    expect(zoned.body.preferences.timezone).toBe('Europe/Paris');
    for (const timezone of ['+01:00', 'Europe/Atlantis', '', null, 42]) {
      const refused = await t
        .http()
        .put('/api/consumer/preferences')
        .set(auth(dave))
        .send({ timezone })
        .expect(400);
      expect(refused.body.error.code).toBe('VALIDATION_FAILED');
    }
    const changed = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(dave))
      .send({ preferredCurrency: 'EURC', autoBalance: true })
      .expect(200);
    expect(changed.body.preferences).toMatchObject({
      preferredCurrency: 'EURC',
      autoBalance: true,
      smartRouting: true,
    });
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(dave))
      .send({ preferredCurrency: 'DOGE' })
      .expect(400);
    const preferring = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(dave))
      .send({ preferredProvider: 'circle' })
      .expect(200);
    expect(preferring.body.preferences).toMatchObject({
      preferredProvider: 'circle',
      preferredCurrency: 'EURC',
    });
    await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(dave))
      .send({ preferredProvider: 'paypal' })
      .expect(400);
    const cleared = await t
      .http()
      .put('/api/consumer/preferences')
      .set(auth(dave))
      .send({ preferredProvider: null })
      .expect(200);
    expect(cleared.body.preferences.preferredProvider).toBeNull();
  });
});
