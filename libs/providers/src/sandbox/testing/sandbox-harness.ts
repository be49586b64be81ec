import type { DataSource } from 'typeorm';
import { loadConfig, OwnAddress, type AppConfig } from '#monay/shared';
import { CircleSandbox } from '../circle-sandbox';
import { MonaySandbox } from '../monay-sandbox';
import { SandboxControl } from '../sandbox-control';
import { SandboxRandom } from '../sandbox-random';
import { SandboxRuntime } from '../sandbox-runtime';
import { SandboxWebhooks } from '../sandbox-webhooks';
import { SandboxRepository } from '../sandbox.repository';
import { TempoSandbox } from '../tempo-sandbox';
import { WebhookTarget } from '../webhook-target';

/** The three sandbox adapters wired by hand on a migrated data source: one "process" of the sandbox. */
export interface SandboxHarness {
  config: AppConfig;
  control: SandboxControl;
  repository: SandboxRepository;
  webhooks: SandboxWebhooks;
  target: WebhookTarget;
  tempo: TempoSandbox;
  circle: CircleSandbox;
  monay: MonaySandbox;
  close(): void;
}

/**
 * Builds the sandbox without Nest. `env` overrides the test configuration (latency scale 0.05, 300 ms call
 * timeout). Several harnesses on one data source behave like several processes sharing the provider state.
 */
export async function openSandbox(
  dataSource: DataSource,
  env: NodeJS.ProcessEnv = {},
): Promise<SandboxHarness> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: ':memory:',
    LOG_LEVEL: 'silent',
    // One secret for every harness: the webhook secrets derive from it, and every "process" signs alike.
    JWT_ACCESS_SECRET: 'sandbox-harness-access-secret-0123456789',
    REFRESH_TOKEN_SECRET: 'sandbox-harness-refresh-secret-0123456789',
    PROVIDER_SANDBOX_LATENCY_SCALE: '0.05',
    PROVIDER_CALL_TIMEOUT_MS: '300',
    ...env,
  });
  const repository = new SandboxRepository(dataSource);
  const control = new SandboxControl(repository, config);
  await control.applyConfiguredModes();
  const target = new WebhookTarget(config, new OwnAddress());
  const webhooks = new SandboxWebhooks(config, target, repository);
  const runtime = new SandboxRuntime(config, repository, control, new SandboxRandom(), webhooks);
  return {
    config,
    control,
    repository,
    webhooks,
    target,
    tempo: new TempoSandbox(runtime),
    circle: new CircleSandbox(runtime),
    monay: new MonaySandbox(runtime),
    close: () => {
      runtime.close();
      webhooks.close();
    },
  };
}

/** Polls `probe` until it returns a value, or fails naming `what`. */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
