import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './app-config';

function embeddedPassword(config: ReturnType<typeof loadConfig>): string {
  if (config.database.mode !== 'embedded') throw new Error('not embedded');
  return config.database.password;
}

describe('configuration', () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'monay-config-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('runs with no configuration at all: embedded database, in-process jobs, generated secrets', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({ mode: 'embedded', dataDir: join(dataDir, 'pglite') });
    expect(config.redis).toBeUndefined();
    expect(config.jobsInProcess).toBe(true);
    expect(config.auth.generatedSecretsFile).toBe(join(dataDir, 'secrets.json'));
    expect(config.auth.accessSecret.length).toBeGreaterThanOrEqual(32);
  });

  it('generates development secrets once and keeps them across restarts', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.auth.accessSecret).toBe(first.auth.accessSecret);
    expect(second.auth.refreshSecret).toBe(first.auth.refreshSecret);
    const file = join(dataDir, 'secrets.json');
    expect(second.security.totpEncryptionKey.equals(first.security.totpEncryptionKey)).toBe(true);
    expect(first.security.totpEncryptionKey).toHaveLength(32);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      jwtAccessSecret: first.auth.accessSecret,
      refreshTokenSecret: first.auth.refreshSecret,
      totpEncryptionKey: first.security.totpEncryptionKey.toString('hex'),
      embeddedDatabasePassword: embeddedPassword(first),
    });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps the embedded database password with the development secrets, also when the JWT secrets are set', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const password = embeddedPassword(first);
    expect(password.length).toBeGreaterThanOrEqual(32);
    const configured = loadConfig({
      DATA_DIR: dataDir,
      JWT_ACCESS_SECRET: 'a'.repeat(32),
      REFRESH_TOKEN_SECRET: 'b'.repeat(32),
    });
    expect(embeddedPassword(configured)).toBe(password);
    expect(statSync(join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    // In memory: one per process start, stored nowhere.
    const inMemory = [loadConfig({ DATA_DIR: ':memory:' }), loadConfig({ DATA_DIR: ':memory:' })];
    expect(embeddedPassword(inMemory[0])).not.toBe(embeddedPassword(inMemory[1]));
    // PostgreSQL has its own credentials in DATABASE_URL.
    expect(
      loadConfig({ DATA_DIR: dataDir, DATABASE_URL: 'postgres://app@db/monay' }).database,
    ).not.toHaveProperty('password');
  });

  it('uses PostgreSQL and Redis when their URLs are given', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://app@db:5432/monay',
      REDIS_URL: 'redis://cache:6379',
    });
    expect(config.database).toMatchObject({ mode: 'postgres', url: 'postgres://app@db:5432/monay' });
    expect(config.redis).toEqual({ url: 'redis://cache:6379', prefix: 'monay' });
    expect(config.jobsInProcess).toBe(false);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid configuration: PORT /],
    [{ PORT: '70000' }, /^Invalid configuration: PORT /],
    [
      { DATABASE_URL: 'mysql://x@y/z' },
      /^Invalid configuration: DATABASE_URL must be a postgres: or postgresql: URL$/,
    ],
    [{ REDIS_URL: 'not a url' }, /^Invalid configuration: REDIS_URL /],
    [
      { JWT_ACCESS_SECRET: 'short' },
      /^Invalid configuration: JWT_ACCESS_SECRET must be at least 32 characters$/,
    ],
    [{ LOG_LEVEL: 'loud' }, /^Invalid configuration: LOG_LEVEL /],
    [{ OUTBOX_RELAY: 'worker' }, /^Invalid configuration: OUTBOX_RELAY worker needs REDIS_URL/],
    [{ OUTBOX_RELAY: 'everywhere' }, /^Invalid configuration: OUTBOX_RELAY /],
  ])('stops on %j with one line naming the variable', (env, message) => {
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(ConfigError);
    expect(() => loadConfig({ DATA_DIR: dataDir, ...env })).toThrow(message);
  });

  it('relays in the API processes unless told the workers do (which needs Redis)', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).outboxRelay).toBe('api');
    expect(
      loadConfig({ DATA_DIR: dataDir, REDIS_URL: 'redis://127.0.0.1:6379', OUTBOX_RELAY: 'worker' }).outboxRelay,
    ).toBe('worker');
  });

  it('refuses to start in production without explicit secrets and DATABASE_URL', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir })).toThrow(
      /^Invalid configuration: DATABASE_URL is required when NODE_ENV=production$/,
    );
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir, DATABASE_URL: 'postgres://a@b/c' }),
    ).toThrow(/JWT_ACCESS_SECRET is required when NODE_ENV=production/);
    const secret = 's'.repeat(40);
    const production = {
      NODE_ENV: 'production',
      DATA_DIR: dataDir,
      DATABASE_URL: 'postgres://a@b/c',
      JWT_ACCESS_SECRET: secret,
      REFRESH_TOKEN_SECRET: secret.toUpperCase(),
    };
    expect(() => loadConfig(production)).toThrow(
      /^Invalid configuration: TOTP_ENCRYPTION_KEY is required when NODE_ENV=production$/,
    );
    const config = loadConfig({ ...production, TOTP_ENCRYPTION_KEY: 'ab'.repeat(32) });
    expect(config.security.totpEncryptionKey.equals(Buffer.from('ab'.repeat(32), 'hex'))).toBe(true);
    expect(config.auth.generatedSecretsFile).toBeUndefined();
    expect(config.database).toMatchObject({ mode: 'postgres', migrateOnStart: false });
  });

  it('reads the TOTP encryption key as hex or base64, and refuses any other length', () => {
    const key = Buffer.alloc(32, 7);
    for (const form of [key.toString('hex'), key.toString('base64'), key.toString('base64url')]) {
      expect(loadConfig({ DATA_DIR: dataDir, TOTP_ENCRYPTION_KEY: form }).security.totpEncryptionKey).toEqual(
        key,
      );
    }
    expect(() => loadConfig({ DATA_DIR: dataDir, TOTP_ENCRYPTION_KEY: 'ab'.repeat(16) })).toThrow(
      /^Invalid configuration: TOTP_ENCRYPTION_KEY must be 32 bytes as 64 hex digits or base64$/,
    );
  });

  it('keeps configured secrets out of the generated secrets file', () => {
    const secret = 'c'.repeat(40);
    loadConfig({ DATA_DIR: dataDir, JWT_ACCESS_SECRET: secret, REFRESH_TOKEN_SECRET: secret });
    const stored = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    // Embedded (no DATABASE_URL): the database's password is generated too; the configured JWT keys are not stored.
    expect(Object.keys(stored).sort()).toEqual(['embeddedDatabasePassword', 'totpEncryptionKey']);
  });

  it('reads the step-up thresholds as USD amounts', () => {
    const config = loadConfig({ DATA_DIR: dataDir });
    expect(config.security).toMatchObject({ stepUpAmountUsd: '1000.00', stepUpNewRecipientMinUsd: '0' });
    expect(() => loadConfig({ DATA_DIR: dataDir, STEP_UP_AMOUNT_USD: '1e3' })).toThrow(
      /^Invalid configuration: STEP_UP_AMOUNT_USD must be a USD amount such as 1000.00$/,
    );
  });

  it('reads CORS origins as a comma-separated allow-list', () => {
    const config = loadConfig({ DATA_DIR: dataDir, CORS_ORIGINS: 'https://a.test, https://b.test ,' });
    expect(config.corsOrigins).toEqual(['https://a.test', 'https://b.test']);
  });
  it('turns on-chain mode on with TEMPO_RPC_URL only, with its contracts, and wants real keys in production', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).tempoChain).toBeUndefined();
    const contracts = {
      chainId: 31337,
      block: '12',
      tokens: {
        USDC: '0x5fbdb2315678afecb367f032d93f642f64180aa3',
        USDT: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512',
        PYUSD: '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0',
        EURC: '0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9',
      },
      batchPayer: '0xdc64a140aa3e981100a9beca4e685f962f0cf6c9',
    };
    const onChain = loadConfig({
      DATA_DIR: dataDir,
      TEMPO_RPC_URL: 'http://127.0.0.1:8545',
      TEMPO_CONTRACTS: JSON.stringify(contracts),
      TEMPO_MAX_FEE_GWEI: '2.5',
    }).tempoChain;
    expect(onChain).toMatchObject({
      rpcUrl: 'http://127.0.0.1:8545',
      contracts,
      confirmations: 1,
      reorgDepth: 12,
      maxFeePerGasWei: 2_500_000_000n,
    });
    expect(() => loadConfig({ DATA_DIR: dataDir, TEMPO_RPC_URL: 'http://127.0.0.1:8545' })).toThrow(
      /TEMPO_CONTRACTS is required with TEMPO_RPC_URL/,
    );
    expect(() =>
      loadConfig({
        DATA_DIR: dataDir,
        TEMPO_RPC_URL: 'http://127.0.0.1:8545',
        TEMPO_CONTRACTS: '{"chainId":1}',
      }),
    ).toThrow(/TEMPO_CONTRACTS must be the JSON/);
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://db/monay',
        JWT_ACCESS_SECRET: 'a'.repeat(40),
        REFRESH_TOKEN_SECRET: 'b'.repeat(40),
        TOTP_ENCRYPTION_KEY: 'c'.repeat(64),
        TEMPO_RPC_URL: 'https://rpc.tempo.example',
        TEMPO_CONTRACTS: JSON.stringify(contracts),
      }),
    ).toThrow(/TEMPO_HOT_WALLET_KEY is required with TEMPO_RPC_URL in production/);
  });
});
