import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { loadConfig } from '#monay/shared';
import { WorkerModule } from '../apps/worker/src/worker.module';
import { auth, onboard } from './support/money';
import { adminHeader, registerAdmin } from './support/admin';
import { newUser, startTestApp, type TestApp } from './support/test-app';
import { waitFor } from './support/wait';

interface WalletView {
  provider: string;
  address: string;
  isPrimary: boolean;
  createdAt: string;
}

describe('provider wallets: every onboarded user gets Tempo (primary) and Circle wallets', () => {
  let t: TestApp;
  let worker: INestApplicationContext | undefined;
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = await startTestApp();
    // With Redis the processors live in apps/worker: start its module as a second process would.
    if (t.env.REDIS_URL) {
      worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(loadConfig(t.env)), {
        logger: false,
      });
      await worker.init();
    }
    admin = adminHeader(await registerAdmin(t));
  });
  afterAll(async () => {
    await worker?.close();
    await t.close();
  });

  const walletsOf = async (headers: { Authorization: string }): Promise<WalletView[]> => {
    const response = await t.http().get('/api/providers/wallets').set(headers).expect(200);
    expect(response.body.success).toBe(true);
    return response.body.wallets;
  };

  it('opens both wallets once, Tempo primary, at 0x addresses, visible to their owner only', async () => {
    const alice = await onboard(t, 'alice');
    const bob = await onboard(t, 'bob');
    const aliceWallets = await waitFor("alice's provider wallets", async () => {
      const wallets = await walletsOf(auth(alice));
      return wallets.length === 2 ? wallets : undefined;
    });
    expect(aliceWallets).toEqual([
      {
        provider: 'tempo',
        address: expect.stringMatching(/^0x[0-9a-f]{40}$/),
        isPrimary: true,
        createdAt: expect.any(String),
      },
      {
        provider: 'circle',
        address: expect.stringMatching(/^0x[0-9a-f]{40}$/),
        isPrimary: false,
        createdAt: expect.any(String),
      },
    ]);
    const bobWallets = await waitFor("bob's provider wallets", async () => {
      const wallets = await walletsOf(auth(bob));
      return wallets.length === 2 ? wallets : undefined;
    });
    const aliceAddresses = aliceWallets.map((wallet) => wallet.address);
    for (const wallet of bobWallets) expect(aliceAddresses).not.toContain(wallet.address);

    // Once per user and provider, at the providers too (keys wallet:<userId>:<provider>).
    const rows = (await t.app
      .get(DataSource)
      .query(
        `SELECT provider, count(*)::int AS n FROM sandbox_provider_wallets WHERE user_ref = $1 GROUP BY provider ORDER BY provider`,
        [alice.userId],
      )) as Array<{ provider: string; n: number }>;
    expect(rows).toEqual([
      { provider: 'circle', n: 1 },
      { provider: 'tempo', n: 1 },
    ]);
  });

  it('needs a token', async () => {
    const response = await t.http().get('/api/providers/wallets').expect(401);
    expect(response.body.success).toBe(false);
  });

  it('retries while a provider is down: Circle is opened meanwhile, Tempo once it is back', async () => {
    await t.http().put('/api/admin/providers/tempo/mode').set(admin).send({ mode: 'outage' }).expect(200);
    // Another process (the worker, with Redis) trusts its copy of the modes for up to 250 ms.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const carol = await onboard(t, 'carol');
    const onlyCircle = await waitFor("carol's Circle wallet", async () => {
      const wallets = await walletsOf(auth(carol));
      return wallets.length > 0 ? wallets : undefined;
    });
    expect(onlyCircle.map((wallet) => wallet.provider)).toEqual(['circle']);
    await t.http().put('/api/admin/providers/tempo/mode').set(admin).send({ mode: 'healthy' }).expect(200);
    const both = await waitFor("carol's Tempo wallet after the retry", async () => {
      const wallets = await walletsOf(auth(carol));
      return wallets.length === 2 ? wallets : undefined;
    });
    expect(both.map((wallet) => [wallet.provider, wallet.isPrimary])).toEqual([
      ['tempo', true],
      ['circle', false],
    ]);
    expect(both[1]).toEqual(onlyCircle[0]);
  });

  it('a user with no wallets yet gets an empty list', async () => {
    const registered = await t.http().post('/api/auth/register').send(newUser('plain')).expect(201);
    expect(await walletsOf({ Authorization: `Bearer ${registered.body.accessToken}` })).toEqual([]);
  });
});
