import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';
import type { Hex } from 'viem';
import { loadConfig } from '#monay/shared';
import { createTestEnvironment, type TestEnvironment } from '../../../libs/shared/src/testing';
import { createApp } from '../../../apps/api/src/create-app';
import { WorkerModule } from '../../../apps/worker/src/worker.module';
import {
  deployDevContracts,
  devClients,
  DEV_PAYER_KEY,
  payFromOutside,
  startAnvil,
  type DevContracts,
  type RunningAnvil,
} from '../../../scripts/chain/dev-chain';
import { tempoTokenAbi } from '../../../libs/providers/src/chain/contracts/artifacts';
import { TempoDepositWatchProcessor } from '../../../libs/providers/src/chain/tempo-deposit-watch.processor';
import type { TestApp } from '../../support/test-app';
import { auth, type Customer } from '../../support/money';

export { DEV_PAYER_KEY, payFromOutside };

/** A dev chain for one test file: anvil on a free port, the contracts deployed. */
export async function startDevChain(options: { stateFile?: string; port?: number } = {}): Promise<{
  anvil: RunningAnvil;
  contracts: DevContracts;
}> {
  const anvil = await startAnvil(options);
  const contracts = await deployDevContracts(anvil.url);
  return { anvil, contracts };
}

/**
 * The API in on-chain mode against `rpcUrl`, on a database that outlives the app (a PGlite data directory, or the
 * file's PostgreSQL database), so that a test can stop the API and start it again on the same data.
 */
export class ChainApi {
  private environment: TestEnvironment | undefined;
  private dataDir: string | undefined;
  private worker: INestApplicationContext | undefined;
  current: TestApp | undefined;

  constructor(
    private readonly rpcUrl: string,
    private readonly contracts: DevContracts,
    private readonly overrides: NodeJS.ProcessEnv = {},
  ) {}

  get t(): TestApp {
    if (!this.current) throw new Error('the API is not running');
    return this.current;
  }

  async start(): Promise<TestApp> {
    if (!this.environment) {
      this.dataDir = process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'monay-chain-'));
      this.environment = await createTestEnvironment({
        ...(this.dataDir && { DATA_DIR: this.dataDir }),
        TEMPO_RPC_URL: this.rpcUrl,
        TEMPO_CONTRACTS: JSON.stringify(this.contracts),
        // The tests drive the watcher themselves; the timer stays out of their way.
        TEMPO_DEPOSIT_POLL_MS: '3600000',
        TEMPO_REORG_DEPTH: '4',
        ...this.overrides,
      });
    }
    const app = await createApp(loadConfig(this.environment.env));
    await app.init();
    // With Redis the job processors (provider wallets among them) live in apps/worker: start it beside the API.
    if (this.environment.env.REDIS_URL) {
      this.worker = await NestFactory.createApplicationContext(
        WorkerModule.forRoot(loadConfig(this.environment.env)),
        { logger: false },
      );
      await this.worker.init();
    }
    this.current = {
      app,
      env: this.environment.env,
      http: () => request(app.getHttpServer()),
      close: () => this.stop(),
    };
    return this.current;
  }

  /** Stops the API (the data stays). */
  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
    await this.current?.app.close();
    this.current = undefined;
  }

  async dispose(): Promise<void> {
    await this.stop();
    await this.environment?.dispose();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** One fresh pass of the deposit watcher, as its job runs it. */
export function watchDeposits(t: TestApp) {
  return t.app.get(TempoDepositWatchProcessor).run();
}

/** The customer's Tempo deposit address, as the client reads it (GET /api/providers/wallets). */
export async function depositAddressOf(t: TestApp, customer: Customer): Promise<`0x${string}`> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const response = await t.http().get('/api/providers/wallets').set(auth(customer)).expect(200);
    const tempo = (response.body.wallets as Array<{ provider: string; address: string }>).find(
      (wallet) => wallet.provider === 'tempo',
    );
    if (tempo) return tempo.address as `0x${string}`;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('no Tempo wallet was opened for the customer');
}

export async function tokenBalance(url: string, token: `0x${string}`, owner: `0x${string}`): Promise<bigint> {
  const { public: client } = devClients(url);
  return client.readContract({
    address: token,
    abi: tempoTokenAbi,
    functionName: 'balanceOf',
    args: [owner],
  });
}

/** The TransferWithMemo events of a token in a transaction. */
export async function memoEventsOf(url: string, token: `0x${string}`, txHash: Hex) {
  const { public: client } = devClients(url);
  const receipt = await client.getTransactionReceipt({ hash: txHash });
  return client.getContractEvents({
    address: token,
    abi: tempoTokenAbi,
    eventName: 'TransferWithMemo',
    fromBlock: receipt.blockNumber,
    toBlock: receipt.blockNumber,
  });
}
