import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** `DATA_DIR=:memory:` keeps the embedded database and generated secrets in memory (tests). */
export const IN_MEMORY = ':memory:';

const secret = z.string().min(32, 'must be at least 32 characters');
const url = (protocols: string[]) =>
  z.string().refine((value) => URL.canParse(value) && protocols.includes(new URL(value).protocol), {
    message: `must be a ${protocols.join(' or ')} URL`,
  });
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');
const usdAmount = (example: string) =>
  z.string().regex(/^\d{1,12}(\.\d{1,2})?$/, `must be a USD amount such as ${example}`);

/** A 32-byte key (AES-256), as 64 hex digits or base64 / base64url. */
function parseKey32(value: string): Buffer | undefined {
  if (/^[0-9a-f]{64}$/i.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}={0,1}$/.test(value)) {
    const key = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    return key.length === 32 ? key : undefined;
  }
  return undefined;
}
const key32 = z.string().refine((value) => parseKey32(value) !== undefined, {
  message: 'must be 32 bytes as 64 hex digits or base64',
});

/** The stablecoin providers (DESIGN.md, Providers), in the default consumer priority. */
export const PROVIDER_NAMES = ['tempo', 'circle', 'monay'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];
/** How a sandbox provider behaves: see libs/providers. */
export const PROVIDER_MODES = ['healthy', 'degraded', 'outage', 'timeout'] as const;
export type ProviderMode = (typeof PROVIDER_MODES)[number];
/**
 * What `PROVIDER_MODE_<NAME>` may say: a mode, or `timeout-late` (timeout mode whose write lands late: after the
 * call timed out and after the caller asked for the transaction's status).
 */
export const PROVIDER_START_MODES = [...PROVIDER_MODES, 'timeout-late'] as const;
export type ProviderStartMode = (typeof PROVIDER_START_MODES)[number];
/** The operations whose provider priority can be configured on its own. */
export const ROUTED_OPERATIONS = ['deposit', 'withdraw', 'transferOut', 'batchTransfer', 'swap'] as const;
export type RoutedOperation = (typeof ROUTED_OPERATIONS)[number];

const providerMode = z.enum(PROVIDER_START_MODES);
const providerList = z
  .string()
  .transform((value) => value.split(',').map((name) => name.trim().toLowerCase()))
  .refine(
    (names) =>
      names.length > 0 &&
      new Set(names).size === names.length &&
      names.every((name) => (PROVIDER_NAMES as readonly string[]).includes(name)),
    { message: `must be a comma-separated list of distinct providers among ${PROVIDER_NAMES.join(', ')}` },
  )
  .transform((names) => names as ProviderName[]);

/** Express's names for address ranges (`trust proxy`): 127/8 and ::1; 169.254/16 and fe80::/10; 10/8, 172.16/12, 192.168/16 and fc00::/7. */
const PROXY_KEYWORDS = new Set(['loopback', 'linklocal', 'uniquelocal']);

/** An IP address, an address/prefix (CIDR) or one of Express's range keywords. */
function isProxySpec(entry: string): boolean {
  if (PROXY_KEYWORDS.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

const proxyList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  )
  .refine((entries) => entries.every(isProxySpec), {
    message:
      'must be a comma-separated list of IP addresses, CIDR ranges or loopback, linklocal, uniquelocal',
  });

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
    HOST: z.string().min(1).default('0.0.0.0'),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    DATABASE_URL: url(['postgres:', 'postgresql:']).optional(),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    DATABASE_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().min(100).default(5_000),
    DATABASE_MIGRATE_ON_START: flag.optional(),
    REDIS_URL: url(['redis:', 'rediss:']).optional(),
    REDIS_PREFIX: z
      .string()
      .regex(/^[a-z0-9_-]+$/i)
      .default('monay'),
    DATA_DIR: z.string().min(1).default('./data'),
    EMBEDDED_DATABASE_SEED: z.string().min(1).optional(),
    JWT_ACCESS_SECRET: secret.optional(),
    REFRESH_TOKEN_SECRET: secret.optional(),
    ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(30).max(86_400).default(900),
    REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
    PASSWORD_HASH_COST: z.coerce.number().int().min(10).max(20).default(15),
    TOTP_ENCRYPTION_KEY: key32.optional(),
    STEP_UP_AMOUNT_USD: usdAmount('1000.00').default('1000.00'),
    STEP_UP_NEW_RECIPIENT_MIN_USD: usdAmount('0.00').default('0'),
    VERIFICATION_RESEND_SECONDS: z.coerce.number().int().min(1).max(3_600).default(60),
    CORS_ORIGINS: z.string().default('http://localhost:3000'),
    TRUSTED_PROXIES: proxyList.default([]),
    RECIPIENT_LOOKUP_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(60),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    THROTTLE_LIMIT: z.coerce.number().int().min(1).default(300),
    THROTTLE_TTL_SECONDS: z.coerce.number().int().min(1).default(60),
    AUTH_THROTTLE_LIMIT: z.coerce.number().int().min(1).default(10),
    RUN_JOBS_IN_PROCESS: flag.optional(),
    OUTBOX_RELAY: z.enum(['api', 'worker']).default('api'),
    OUTBOX_RELAY_LINGER_MS: z.coerce.number().int().min(0).max(1_000).default(100),
    SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
    TRANSFER_FEE_P2P: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be a decimal amount such as 0.10')
      .default('0'),
    TRANSFER_FEE_BATCH: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,6})?$/, 'must be a decimal amount such as 0.50')
      .default('0'),
    ADMIN_EMAILS: z.string().default(''),
    RECURRING_RETRY_ATTEMPTS: z.coerce.number().int().min(0).max(10).default(3),
    EVENT_CONSUMER_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(8),
    EVENT_CONSUMER_BACKOFF_MS: z.coerce.number().int().min(10).max(3_600_000).default(500),
    RECURRING_RETRY_BACKOFF_MS: z.coerce.number().int().min(1).default(3_600_000),
    RECURRING_REMINDER_LEAD_MS: z.coerce.number().int().min(0).default(86_400_000),
    PAY_LINK_BASE_URL: url(['http:', 'https:']).default('http://localhost:3000'),
    PAYMENT_REQUEST_EXPIRY_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 90)
      .default(24 * 7),
    CONTACT_DISCOVERY_DAILY_LIMIT: z.coerce.number().int().min(1).default(2_000),
    P2P_INVITE_CLAIM_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    AUTO_CONVERT_MIN_AMOUNT: z
      .string()
      .regex(/^\d{1,9}(\.\d{1,6})?$/, 'must be an amount such as 1.00')
      .default('1.00'),
    AUTO_BALANCE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(10_080).default(60),
    EURC_USD_PRICE: z
      .string()
      .regex(/^\d{1,6}(\.\d{1,8})?$/, 'must be a decimal price such as 1.08')
      .default('1.08'),
    PROVIDER_PRIORITY: providerList.default(['tempo', 'circle', 'monay']),
    PROVIDER_PRIORITY_DEPOSIT: providerList.optional(),
    PROVIDER_PRIORITY_WITHDRAW: providerList.optional(),
    PROVIDER_PRIORITY_TRANSFER_OUT: providerList.optional(),
    PROVIDER_PRIORITY_BATCH: providerList.optional(),
    PROVIDER_PRIORITY_SWAP: providerList.optional(),
    PROVIDER_MODE_TEMPO: providerMode.default('healthy'),
    PROVIDER_MODE_CIRCLE: providerMode.default('healthy'),
    PROVIDER_MODE_MONAY: providerMode.default('healthy'),
    PROVIDER_SANDBOX_LATENCY_SCALE: z.coerce.number().min(0).max(100).default(1),
    PROVIDER_CALL_TIMEOUT_MS: z.coerce.number().int().min(1).default(3_000),
    PROVIDER_SETTLE_WAIT_MS: z.coerce.number().int().min(0).default(5_000),
    PROVIDER_HEALTH_PROBE_MS: z.coerce.number().int().min(50).default(10_000),
    PROVIDER_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(5),
    PROVIDER_BREAKER_HALF_OPEN_MS: z.coerce.number().int().min(10).default(10_000),
    PROVIDER_WEBHOOK_SECRET_TEMPO: secret.optional(),
    PROVIDER_WEBHOOK_SECRET_CIRCLE: secret.optional(),
    PROVIDER_WEBHOOK_SECRET_MONAY: secret.optional(),
    PROVIDER_WEBHOOK_URL: url(['http:', 'https:']).optional(),
    PROVIDER_POLL_INTERVAL_MS: z.coerce.number().int().min(50).default(5_000),
    PROVIDER_PENDING_RESOLVE_AFTER_MS: z.coerce.number().int().min(100).default(900_000),
    PROVIDER_AMBIGUOUS_QUARANTINE_MS: z.coerce.number().int().min(100).default(900_000),
    PROVIDER_LARGE_AMOUNT_USD: z
      .string()
      .regex(/^\d{1,12}(\.\d{1,2})?$/, 'must be a USD amount such as 10000.00')
      .default('10000.00'),
    SWAP_QUOTE_TTL_MS: z.coerce.number().int().min(1_000).default(30_000),
    TEMPO_RPC_URL: url(['http:', 'https:']).optional(),
    TEMPO_CONTRACTS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        try {
          return tempoContractsSchema.parse(JSON.parse(value));
        } catch {
          ctx.addIssue({
            code: 'custom',
            message:
              'must be the JSON `npm run chain:dev` prints: {"chainId":31337,"block":"12","tokens":{"USDC":"0x…",…},"batchPayer":"0x…"}',
          });
          return z.NEVER;
        }
      }),
    TEMPO_HOT_WALLET_KEY: z
      .string()
      .regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte private key')
      .optional(),
    TEMPO_DEPOSIT_MNEMONIC: z
      .string()
      .regex(/^[a-z]+( [a-z]+){11,23}$/, 'must be a BIP-39 mnemonic (12 to 24 lower-case words)')
      .optional(),
    TEMPO_CONFIRMATIONS: z.coerce.number().int().min(1).max(1_000).default(1),
    TEMPO_REORG_DEPTH: z.coerce.number().int().min(0).max(10_000).default(12),
    TEMPO_MAX_FEE_GWEI: z.coerce.number().positive().max(1_000_000).default(100),
    TEMPO_DEPOSIT_POLL_MS: z.coerce.number().int().min(50).default(2_000),
    TEMPO_LOG_RANGE: z.coerce.number().int().min(1).max(100_000).default(2_000),
    TEMPO_OFFRAMP_ADDRESS: z
      .string()
      .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address')
      .default('0x0ff0000000000000000000000000000000000ff0'),
    SMTP_URL: url(['smtp:', 'smtps:']).optional(),
    EMAIL_VENDOR: z.enum(['sendgrid', 'smtp']).optional(),
    SENDGRID_API_KEY: z.string().min(10).optional(),
    SENDGRID_API_URL: url(['http:', 'https:']).default('https://api.sendgrid.com'),
    SENDGRID_WEBHOOK_PUBLIC_KEY: z
      .string()
      .regex(/^[A-Za-z0-9+/=\s]{40,}$/, 'must be the base64 verification key SendGrid shows')
      .optional(),
    NOTIFICATION_EMAIL_EVENT_DELAY_MS: z.coerce.number().int().min(0).default(500),
    NOTIFICATION_EMAIL_FROM: z.string().min(3).default('Monay <no-reply@monay.local>'),
    NOTIFICATION_DELIVERY_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
    NOTIFICATION_RETRY_BASE_MS: z.coerce.number().int().min(1).default(2_000),
    NOTIFICATION_DISPATCH_INTERVAL_MS: z.coerce.number().int().min(50).default(1_000),
    NOTIFICATION_WEBHOOK_URL: url(['http:', 'https:']).optional(),
    NOTIFICATION_PUBLIC_URL: url(['http:', 'https:']).default('http://localhost:3000'),
    TWILIO_AUTH_TOKEN: secret.optional(),
    NOTIFICATION_SMS_STATUS_DELAY_MS: z.coerce.number().int().min(0).default(500),
    NOTIFICATION_TEST_LIMIT_PER_HOUR: z.coerce.number().int().min(1).default(10),
    NOTIFICATION_ESCALATION_MINUTES: z.coerce.number().int().min(0).max(1_440).default(5),
    CARD_WEBHOOK_SECRET: secret.optional(),
    CARD_WEBHOOK_SECRET_PREVIOUS: secret.optional(),
    CARD_WEBHOOK_URL: url(['http:', 'https:']).optional(),
    CARD_DATA_ENCRYPTION_KEY: key32.optional(),
    CARD_AUTHORIZATION_TIMEOUT_MS: z.coerce.number().int().min(50).max(10_000).default(2_000),
    CARD_AUTHORIZATION_EXPIRY_DAYS: z.coerce.number().int().min(1).max(90).default(7),
    CARD_OVER_CAPTURE_PERCENT: z.coerce.number().int().min(0).max(100).default(20),
    CARD_SANDBOX_DUPLICATE_RATE: z.coerce.number().min(0).max(1).default(0.1),
    CARD_REVEAL_LIMIT_PER_HOUR: z.coerce.number().int().min(1).max(1_000).default(10),
    CARD_MAX_OPEN: z.coerce.number().int().min(1).max(100).default(10),
    KYC_WEBHOOK_SECRET: secret.optional(),
    KYC_WEBHOOK_SECRET_PREVIOUS: secret.optional(),
    KYC_WEBHOOK_URL: url(['http:', 'https:']).optional(),
    KYC_INQUIRY_EXPIRY_HOURS: z.coerce
      .number()
      .int()
      .min(1)
      .max(24 * 30)
      .default(24),
    KYC_SANDBOX_DECISION_DELAY_MS: z.coerce.number().int().min(0).default(0),
    KYC_DOCUMENT_ENCRYPTION_KEY: key32.optional(),
    BANK_WEBHOOK_SECRET: secret.optional(),
    BANK_WEBHOOK_URL: url(['http:', 'https:']).optional(),
    BANK_ACCOUNT_ENCRYPTION_KEY: key32.optional(),
    KYC_DOCUMENT_MAX_BYTES: z.coerce
      .number()
      .int()
      .min(1_024)
      .max(50 * 1024 * 1024)
      .default(10 * 1024 * 1024),
    REWARDS_EXPIRY_MONTHS: z.coerce.number().int().min(1).max(120).default(12),
    REWARDS_EXPIRY_NOTICE_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    REWARDS_MAX_DEBT_POINTS: z.coerce.number().int().min(0).max(1_000_000).default(2_000),
    REWARDS_CIRCULAR_WINDOW_DAYS: z.coerce.number().int().min(0).max(365).default(30),
    REWARDS_REFERRAL_MIN_DEPOSIT_USD: usdAmount('20.00').default('20.00'),
    REWARDS_REFERRAL_HOLD_DAYS: z.coerce.number().int().min(0).max(365).default(14),
    REWARDS_REFERRAL_POINTS_REFERRER: z.coerce.number().int().min(0).max(1_000_000).default(1_000),
    REWARDS_REFERRAL_POINTS_REFERRED: z.coerce.number().int().min(0).max(1_000_000).default(500),
    REWARDS_REFERRAL_MONTHLY_CAP: z.coerce.number().int().min(0).max(10_000).default(10),
    REWARDS_RULES: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        try {
          return earnRulesSchema.parse(JSON.parse(value));
        } catch {
          ctx.addIssue({
            code: 'custom',
            message:
              'must be a JSON array of rules such as [{"id":"p2p-sent","on":"p2p_sent","description":"…","points":{"perUsd":1},"lockHours":24}]',
          });
          return z.NEVER;
        }
      }),
    LIMIT_TIERS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        if (value === undefined) return undefined;
        try {
          return limitTiersSchema.parse(JSON.parse(value));
        } catch {
          ctx.addIssue({
            code: 'custom',
            message: 'must be JSON such as {"1":{"daily":"1000.00","monthly":"30000.00"}}',
          });
          return z.NEVER;
        }
      }),
  })
  .superRefine((env, ctx) => {
    if (env.OUTBOX_RELAY === 'worker' && !env.REDIS_URL) {
      ctx.addIssue({
        code: 'custom',
        path: ['OUTBOX_RELAY'],
        message: 'worker needs REDIS_URL (the workers send what they publish to the APIs through Redis)',
      });
    }
    if (env.TEMPO_RPC_URL && !env.TEMPO_CONTRACTS) {
      ctx.addIssue({ code: 'custom', path: ['TEMPO_CONTRACTS'], message: 'is required with TEMPO_RPC_URL' });
    }
    if (env.TEMPO_RPC_URL && env.NODE_ENV === 'production') {
      for (const key of ['TEMPO_HOT_WALLET_KEY', 'TEMPO_DEPOSIT_MNEMONIC'] as const) {
        if (!env[key]) {
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is required with TEMPO_RPC_URL in production',
          });
        }
      }
    }
    if (env.NODE_ENV !== 'production') return;
    for (const key of [
      'DATABASE_URL',
      'JWT_ACCESS_SECRET',
      'REFRESH_TOKEN_SECRET',
      'TOTP_ENCRYPTION_KEY',
    ] as const) {
      if (!env[key])
        ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
    }
  });

const usd = z.string().regex(/^\d{1,12}(\.\d{1,2})?$/);
/** What a KYC tier may unlock (libs/wallet's tier table says which tier unlocks what). */
export const TIER_FEATURES = [
  'p2p',
  'deposits',
  'withdrawals',
  'external_transfers',
  'swaps',
  'bank_transfers',
  'virtual_cards',
  'wires',
] as const;
export type TierFeature = (typeof TIER_FEATURES)[number];
const depositOverride = z.object({ perTransaction: usd, daily: usd, monthly: usd }).partial().strict();
const tierOverride = z
  .object({
    perTransaction: usd,
    daily: usd,
    monthly: usd,
    maxPerHour: z.number().int().min(1),
    deposit: depositOverride,
    features: z.array(z.enum(TIER_FEATURES)).max(TIER_FEATURES.length),
  })
  .partial()
  .strict();
const limitTiersSchema = z
  .object({ '1': tierOverride, '2': tierOverride, '3': tierOverride })
  .partial()
  .strict();

const evmAddress = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
/** Where the dev chain's contracts are (what `npm run chain:dev` and the deploy script print). */
const tempoContractsSchema = z
  .object({
    chainId: z.number().int().positive(),
    /** The block the deployment (and the hot wallet's opening float) was mined in: deposits are read from it. */
    block: z.string().regex(/^\d{1,20}$/),
    tokens: z.object({ USDC: evmAddress, USDT: evmAddress, PYUSD: evmAddress, EURC: evmAddress }).strict(),
    batchPayer: evmAddress,
  })
  .strict();
export type TempoContracts = z.infer<typeof tempoContractsSchema>;

/** Anvil's well-known development mnemonic and its first key: used only when nothing is configured (never in production). */
const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
const DEV_HOT_WALLET_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

/** Rewards' earn rules (libs/rewards, domain/earn-rules.ts), when `REWARDS_RULES` replaces the defaults. */
const earnRulesSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,47}$/),
        on: z.enum(['deposit', 'p2p_sent', 'card_spend']),
        description: z.string().min(1).max(200),
        points: z.union([
          z.object({ fixed: z.number().int().positive() }).strict(),
          z
            .object({ perUsd: z.number().int().positive(), max: z.number().int().positive().optional() })
            .strict(),
        ]),
        perUsdByMcc: z.record(z.string().regex(/^\d{4}$/), z.number().int().positive()).optional(),
        minUsd: usd.optional(),
        only: z.literal('first').optional(),
        lockHours: z
          .number()
          .int()
          .min(0)
          .max(24 * 365),
      })
      .strict(),
  )
  .max(100);

/** An earn rule as configured (the same shape as libs/rewards' `EarnRule`). */
export type EarnRuleConfig = z.infer<typeof earnRulesSchema>[number];

/** Per-KYC-level overrides of the wallet limits, in USD decimal strings. */
export type LimitTierOverrides = z.infer<typeof limitTiersSchema>;

type Env = z.infer<typeof schema>;

export class ConfigError extends Error {}

/** The validated configuration of one process. Built once at start-up by {@link loadConfig}. */
export class AppConfig {
  readonly env: Env['NODE_ENV'];
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  readonly database:
    | { mode: 'postgres'; url: string; poolSize: number; acquireTimeoutMs: number; migrateOnStart: boolean }
    | {
        mode: 'embedded';
        dataDir: string | undefined;
        /** With DATA_DIR=:memory:, a dump of a data directory the database starts from (tests: a migrated one). */
        seedFile: string | undefined;
        /** The embedded wire server's password (kept with the development secrets; per process in memory). */
        password: string;
        poolSize: number;
        acquireTimeoutMs: number;
        migrateOnStart: true;
      };
  readonly redis: { url: string; prefix: string } | undefined;
  readonly auth: {
    accessSecret: string;
    refreshSecret: string;
    accessTtlSeconds: number;
    refreshTtlDays: number;
    /** log2 of scrypt's N (CPU/memory cost): 15 is 32 MiB and ~85 ms here. */
    passwordHashCost: number;
    /** Where generated development secrets live, or undefined when they were configured. */
    generatedSecretsFile: string | undefined;
  };
  /**
   * Account security (libs/identity): the AES-256-GCM key that encrypts TOTP secrets at rest, the step-up
   * thresholds (USD decimal strings) and how often a verification code may be sent again.
   */
  readonly security: {
    totpEncryptionKey: Buffer;
    /** Above this USD value a money move needs a fresh second factor (every user). */
    stepUpAmountUsd: string;
    /** For users with 2FA: a first payment to a new recipient above this USD value needs one. */
    stepUpNewRecipientMinUsd: string;
    verificationResendSeconds: number;
  };
  readonly corsOrigins: string[];
  /**
   * The proxies whose `X-Forwarded-For` is believed (addresses, CIDR ranges, Express's keywords). Empty: none,
   * the client's address is the TCP peer's, so no client can choose the address its rate limits count under.
   */
  readonly trustedProxies: string[];
  /** How many recipient lookups (p2p-transfer/validate, unknown recipients) a user may make per hour. */
  readonly recipientLookupLimitPerHour: number;
  readonly logLevel: Env['LOG_LEVEL'];
  readonly throttle: { limit: number; ttlSeconds: number; authLimit: number };
  readonly jobsInProcess: boolean;
  /**
   * Which processes run the outbox relay and its consumers: the API processes (`api`, the default, and the only
   * choice without Redis), or the workers (`worker`), off the API's event loop; the APIs then wake them through Redis
   * after each commit. Sockets do not depend on it: each API reads the outbox for its own (RealtimeAnnouncer).
   */
  readonly outboxRelay: 'api' | 'worker';
  /**
   * After a batch, while events keep coming, the relay lets this long pass from that batch's start before the
   * next: fewer, larger batches (each has a fixed cost in statements). Sockets do not wait for it.
   */
  readonly outboxRelayLingerMs: number;
  readonly shutdownTimeoutMs: number;
  /** USD reference price overrides per currency (decimal strings); the others are 1.00. */
  readonly referencePrices: Record<string, string>;
  readonly limitTiers: LimitTierOverrides;
  /**
   * KYC (libs/kyc): the vendor's webhook secrets (the current one, and the previous one while it rotates), where
   * the sandbox vendor delivers its webhooks, how long a started inquiry stays open, the sandbox's decision delay,
   * and the documents' encryption key and size cap.
   */
  readonly kyc: {
    webhookSecrets: string[];
    webhookUrl: string | undefined;
    inquiryExpiryMs: number;
    sandboxDecisionDelayMs: number;
    documentKey: Buffer;
    documentMaxBytes: number;
  };
  /**
   * Bank rails (libs/banking): the Dwolla-shaped vendor's webhook secret, where its sandbox delivers webhooks, and
   * the key that seals bank account numbers (AES-256-GCM) and fingerprints them.
   */
  readonly bank: {
    webhookSecrets: string[];
    webhookUrl: string | undefined;
    accountKey: Buffer;
  };
  /**
   * Virtual cards (libs/cards): the issuer's webhook secrets (Standard Webhooks; the current one and the previous
   * one while it rotates), where the sandbox issuer calls us, the PAN/CVV key, the real-time deadline, how long an
   * uncaptured authorization lives, the over-capture allowance for tips, how often the sandbox duplicates a
   * webhook, the reveal budget and how many cards a user may hold.
   */
  readonly cards: {
    webhookSecrets: string[];
    webhookUrl: string | undefined;
    dataKey: Buffer;
    authorizationTimeoutMs: number;
    authorizationExpiryMs: number;
    overCapturePercent: number;
    sandboxDuplicateRate: number;
    revealLimitPerHour: number;
    maxOpenCards: number;
  };
  /**
   * Rewards (libs/rewards): earned points expire after `expiryMonths` (the member is told `expiryNoticeDays`
   * before); a clawback may leave at most `maxDebtPoints` owed; money sent back within `circularWindowDays` earns
   * nothing; referrals pay `referrerPoints` and `referredPoints` once the referred member is verified and has kept a
   * first deposit of `referralMinDepositUsd` for `referralHoldDays`, at most `referralMonthlyCap` a month per
   * referrer; `rules` replaces the default earn rules.
   */
  readonly rewards: {
    expiryMonths: number;
    expiryNoticeDays: number;
    maxDebtPoints: bigint;
    circularWindowDays: number;
    referralMinDepositUsd: string;
    referralHoldDays: number;
    referrerPoints: bigint;
    referredPoints: bigint;
    referralMonthlyCap: number;
    rules: EarnRuleConfig[] | undefined;
  };
  /** Transfer fees in the currency moved: internal P2P per transfer, batch once per batch. */
  readonly fees: { p2p: string; batch: string };
  /** Users with these emails (normalised) hold the admin role. */
  readonly adminEmails: ReadonlySet<string>;
  /**
   * Recurring transfers: an occurrence refused for funds or limits is tried again `retryAttempts` times, the
   * n-th retry `retryBackoffMs × 2^(n-1)` after the refusal before it; the payer is reminded `reminderLeadMs`
   * before each occurrence (0: no reminders).
   */
  readonly recurring: { retryAttempts: number; retryBackoffMs: number; reminderLeadMs: number };
  /** Contacts, payment requests and QR codes (libs/transfers). */
  readonly everyday: {
    /** Share links are `<payLinkBaseUrl>/pay/<token>`. */
    payLinkBaseUrl: string;
    /** A payment request's life when the requester does not say (`expiresIn`), and its ceiling. */
    requestExpiryHours: number;
    /** Address-book entries a user may check for Monay users per UTC day (POST /api/contacts/import). */
    discoveryDailyLimit: number;
    /** How long money sent to someone not yet signed up (inviteIfUnknown) waits to be claimed before it returns. */
    inviteClaimDays: number;
    /** Arrivals below this amount (in their own currency) are not auto-converted. */
    autoConvertMinAmount: string;
    /** A user's wallet is rebalanced at most this often (0: at every trigger). */
    autoBalanceIntervalMinutes: number;
  };
  /** How often a consumer may fail on one event (waiting backoff × 2^n between tries) before it is parked. */
  readonly eventConsumers: { attempts: number; backoffMs: number };
  /** Stablecoin providers: routing, sandbox behaviour, breakers, webhooks, polling (libs/providers). */
  readonly providers: {
    /** Priority per operation, first choice first (PROVIDER_PRIORITY, or PROVIDER_PRIORITY_<OPERATION>). */
    priority: Record<RoutedOperation, ProviderName[]>;
    /** The mode each sandbox adapter starts in (switchable at run time by an admin). */
    modes: Record<ProviderName, ProviderStartMode>;
    /** Multiplies every simulated sandbox latency (1 = realistic; tests use less). */
    latencyScale: number;
    /** A provider call not answered within this is an ambiguous timeout. */
    callTimeoutMs: number;
    /** How long a request waits for a provider to confirm before answering 202 (pending). */
    settleWaitMs: number;
    healthProbeMs: number;
    breaker: { threshold: number; halfOpenMs: number };
    /** HMAC-SHA256 secret of each provider's webhooks. */
    webhookSecrets: Record<ProviderName, string>;
    /** Where the sandbox adapters deliver their webhooks (default: this process's own HTTP address). */
    webhookUrl: string | undefined;
    pollIntervalMs: number;
    /** A provider transaction still pending after this is resolved (posted or voided) by the poller. */
    pendingResolveAfterMs: number;
    /**
     * A movement whose provider timed out belongs to that provider until it answers for it. Only once this long
     * has passed since the timeout, with the provider still saying "not found" after our re-submissions (same
     * idempotency key), may it be sent to another provider.
     */
    ambiguousQuarantineMs: number;
    /** From this USD value on, an amount goes to the provider with the lower fee for it. */
    largeAmountUsd: string;
    swapQuoteTtlMs: number;
  };
  /**
   * Tempo on chain (libs/providers/src/chain): set by TEMPO_RPC_URL, else undefined and the Tempo adapter is the
   * in-process sandbox. See README, "On-chain mode".
   */
  readonly tempoChain:
    | {
        rpcUrl: string;
        contracts: TempoContracts;
        /** The hot wallet every payment is sent from (one sender, one nonce sequence). */
        hotWalletKey: `0x${string}`;
        /** Deposit addresses are derived from it, one per user (m/44'/60'/1'/0/i). */
        depositMnemonic: string;
        /** Blocks on top of a transaction's (its own included) before it counts as settled; 1 on the dev chain. */
        confirmations: number;
        /** How many blocks behind its cursor the deposit watcher reads again, for re-orgs. */
        reorgDepth: number;
        /** The fee ceiling: a send whose maxFeePerGas would exceed it is refused (nothing signed). */
        maxFeePerGasWei: bigint;
        depositPollMs: number;
        /** The most blocks one eth_getLogs call asks for. */
        logRange: number;
        /** Where withdrawals to a bank go on chain: the off-ramp partner's address (the memo says which). */
        offRampAddress: `0x${string}`;
      }
    | undefined;
  /** Notification delivery (libs/notifications): channels, retries, the vendor sandboxes. */
  readonly notifications: {
    /**
     * How email goes out: `sendgrid`, batched through SendGrid's v3 Mail Send API (with SENDGRID_API_KEY; outside
     * production without it, the in-process SendGrid-shaped sandbox), or `smtp` (SMTP_URL; outside production
     * without it, the in-process SMTP server). Default: `smtp` when SMTP_URL is set, else `sendgrid`.
     */
    emailVendor: 'sendgrid' | 'smtp';
    /** Where email goes over SMTP; undefined: an in-process SMTP server keeps it in the dev mailbox. */
    smtpUrl: string | undefined;
    /** SendGrid's API key and base URL; no key: the sandbox (outside production). */
    sendgrid: {
      apiKey: string | undefined;
      apiUrl: string;
      /** The event webhook's verification key (base64 DER, ECDSA P-256); without one, the sandbox's own. */
      webhookPublicKey: string | undefined;
    };
    /** The email sandbox's pause between a message's events (processed → delivered or bounce). */
    emailEventDelayMs: number;
    emailFrom: string;
    /** Attempts per delivery job (transient vendor errors), the first retry `retryBaseMs` after, doubling. */
    deliveryAttempts: number;
    retryBaseMs: number;
    /** How often due deliveries (and those released by quiet hours) are looked for, besides on each event. */
    dispatchIntervalMs: number;
    /** Where the SMS sandbox posts its status callbacks (default: this process's HTTP address once it listens). */
    webhookUrl: string | undefined;
    /** The public base URL in emails (List-Unsubscribe). */
    publicUrl: string;
    /** The Twilio auth token that signs status callbacks (X-Twilio-Signature). */
    twilioAuthToken: string;
    /** The SMS sandbox's pause between a message's states (queued → sent → delivered). */
    smsStatusDelayMs: number;
    /** POST /api/notifications/test per user per hour. */
    testLimitPerHour: number;
    /**
     * Critical alerts go by push first; the SMS waits this long and goes only if the notification was not opened
     * meanwhile (0: SMS at once, with the push).
     */
    escalationMinutes: number;
  };

  constructor(env: Env, secrets: Secrets) {
    const embeddedPassword = secrets.embeddedDatabasePassword;
    this.env = env.NODE_ENV;
    this.host = env.HOST;
    this.port = env.PORT;
    const inMemory = env.DATA_DIR === IN_MEMORY;
    this.dataDir = inMemory ? IN_MEMORY : resolve(env.DATA_DIR);
    this.database = env.DATABASE_URL
      ? {
          mode: 'postgres',
          url: env.DATABASE_URL,
          poolSize: env.DATABASE_POOL_SIZE,
          acquireTimeoutMs: env.DATABASE_ACQUIRE_TIMEOUT_MS,
          migrateOnStart: env.DATABASE_MIGRATE_ON_START ?? env.NODE_ENV !== 'production',
        }
      : {
          mode: 'embedded',
          dataDir: inMemory ? undefined : join(this.dataDir, 'pglite'),
          seedFile: inMemory ? env.EMBEDDED_DATABASE_SEED : undefined,
          password: embeddedPassword,
          // PGlite is one session: a few connections are enough to queue on it.
          poolSize: Math.min(env.DATABASE_POOL_SIZE, 4),
          acquireTimeoutMs: env.DATABASE_ACQUIRE_TIMEOUT_MS,
          migrateOnStart: true,
        };
    this.redis = env.REDIS_URL ? { url: env.REDIS_URL, prefix: env.REDIS_PREFIX } : undefined;
    this.auth = {
      accessSecret: secrets.access,
      refreshSecret: secrets.refresh,
      accessTtlSeconds: env.ACCESS_TOKEN_TTL_SECONDS,
      refreshTtlDays: env.REFRESH_TOKEN_TTL_DAYS,
      passwordHashCost: env.PASSWORD_HASH_COST,
      generatedSecretsFile: secrets.file,
    };
    this.security = {
      totpEncryptionKey: secrets.totpKey,
      stepUpAmountUsd: env.STEP_UP_AMOUNT_USD,
      stepUpNewRecipientMinUsd: env.STEP_UP_NEW_RECIPIENT_MIN_USD,
      verificationResendSeconds: env.VERIFICATION_RESEND_SECONDS,
    };
    this.corsOrigins = env.CORS_ORIGINS.split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    this.trustedProxies = env.TRUSTED_PROXIES;
    this.recipientLookupLimitPerHour = env.RECIPIENT_LOOKUP_LIMIT_PER_HOUR;
    this.logLevel = env.LOG_LEVEL;
    this.throttle = {
      limit: env.THROTTLE_LIMIT,
      ttlSeconds: env.THROTTLE_TTL_SECONDS,
      authLimit: env.AUTH_THROTTLE_LIMIT,
    };
    // Embedded mode has one process, so it hosts the job processors; with Redis, apps/worker does.
    this.jobsInProcess = env.RUN_JOBS_IN_PROCESS ?? !env.REDIS_URL;
    this.outboxRelay = env.OUTBOX_RELAY;
    this.outboxRelayLingerMs = env.OUTBOX_RELAY_LINGER_MS;
    this.shutdownTimeoutMs = env.SHUTDOWN_TIMEOUT_MS;
    this.referencePrices = { EURC: env.EURC_USD_PRICE };
    this.limitTiers = env.LIMIT_TIERS ?? {};
    this.fees = { p2p: env.TRANSFER_FEE_P2P, batch: env.TRANSFER_FEE_BATCH };
    this.eventConsumers = { attempts: env.EVENT_CONSUMER_ATTEMPTS, backoffMs: env.EVENT_CONSUMER_BACKOFF_MS };
    this.everyday = {
      payLinkBaseUrl: env.PAY_LINK_BASE_URL.replace(/\/+$/, ''),
      requestExpiryHours: env.PAYMENT_REQUEST_EXPIRY_HOURS,
      discoveryDailyLimit: env.CONTACT_DISCOVERY_DAILY_LIMIT,
      inviteClaimDays: env.P2P_INVITE_CLAIM_DAYS,
      autoConvertMinAmount: env.AUTO_CONVERT_MIN_AMOUNT,
      autoBalanceIntervalMinutes: env.AUTO_BALANCE_INTERVAL_MINUTES,
    };
    this.recurring = {
      retryAttempts: env.RECURRING_RETRY_ATTEMPTS,
      retryBackoffMs: env.RECURRING_RETRY_BACKOFF_MS,
      reminderLeadMs: env.RECURRING_REMINDER_LEAD_MS,
    };
    const priority = (specific: ProviderName[] | undefined) => specific ?? env.PROVIDER_PRIORITY;
    // Without configured webhook secrets (development, tests), each is derived from the access secret:
    // stable across restarts, different per provider, never logged.
    const webhookSecret = (name: ProviderName, configured: string | undefined) =>
      configured ??
      createHmac('sha256', secrets.access).update(`provider-webhook:${name}`).digest('base64url');
    this.providers = {
      priority: {
        deposit: priority(env.PROVIDER_PRIORITY_DEPOSIT),
        withdraw: priority(env.PROVIDER_PRIORITY_WITHDRAW),
        transferOut: priority(env.PROVIDER_PRIORITY_TRANSFER_OUT),
        batchTransfer: priority(env.PROVIDER_PRIORITY_BATCH),
        swap: priority(env.PROVIDER_PRIORITY_SWAP),
      },
      modes: {
        tempo: env.PROVIDER_MODE_TEMPO,
        circle: env.PROVIDER_MODE_CIRCLE,
        monay: env.PROVIDER_MODE_MONAY,
      },
      latencyScale: env.PROVIDER_SANDBOX_LATENCY_SCALE,
      callTimeoutMs: env.PROVIDER_CALL_TIMEOUT_MS,
      settleWaitMs: env.PROVIDER_SETTLE_WAIT_MS,
      healthProbeMs: env.PROVIDER_HEALTH_PROBE_MS,
      breaker: { threshold: env.PROVIDER_BREAKER_THRESHOLD, halfOpenMs: env.PROVIDER_BREAKER_HALF_OPEN_MS },
      webhookSecrets: {
        tempo: webhookSecret('tempo', env.PROVIDER_WEBHOOK_SECRET_TEMPO),
        circle: webhookSecret('circle', env.PROVIDER_WEBHOOK_SECRET_CIRCLE),
        monay: webhookSecret('monay', env.PROVIDER_WEBHOOK_SECRET_MONAY),
      },
      webhookUrl: env.PROVIDER_WEBHOOK_URL,
      pollIntervalMs: env.PROVIDER_POLL_INTERVAL_MS,
      pendingResolveAfterMs: env.PROVIDER_PENDING_RESOLVE_AFTER_MS,
      ambiguousQuarantineMs: env.PROVIDER_AMBIGUOUS_QUARANTINE_MS,
      largeAmountUsd: env.PROVIDER_LARGE_AMOUNT_USD,
      swapQuoteTtlMs: env.SWAP_QUOTE_TTL_MS,
    };
    this.tempoChain = env.TEMPO_RPC_URL
      ? {
          rpcUrl: env.TEMPO_RPC_URL,
          contracts: env.TEMPO_CONTRACTS!,
          hotWalletKey: (env.TEMPO_HOT_WALLET_KEY ?? DEV_HOT_WALLET_KEY) as `0x${string}`,
          depositMnemonic: env.TEMPO_DEPOSIT_MNEMONIC ?? DEV_MNEMONIC,
          confirmations: env.TEMPO_CONFIRMATIONS,
          reorgDepth: env.TEMPO_REORG_DEPTH,
          maxFeePerGasWei: BigInt(Math.round(env.TEMPO_MAX_FEE_GWEI * 1e9)),
          depositPollMs: env.TEMPO_DEPOSIT_POLL_MS,
          logRange: env.TEMPO_LOG_RANGE,
          offRampAddress: env.TEMPO_OFFRAMP_ADDRESS as `0x${string}`,
        }
      : undefined;
    this.notifications = {
      emailVendor: env.EMAIL_VENDOR ?? (env.SMTP_URL ? 'smtp' : 'sendgrid'),
      smtpUrl: env.SMTP_URL,
      sendgrid: {
        apiKey: env.SENDGRID_API_KEY,
        apiUrl: env.SENDGRID_API_URL.replace(/\/+$/, ''),
        webhookPublicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY?.replace(/\s+/g, ''),
      },
      emailEventDelayMs: env.NOTIFICATION_EMAIL_EVENT_DELAY_MS,
      emailFrom: env.NOTIFICATION_EMAIL_FROM,
      deliveryAttempts: env.NOTIFICATION_DELIVERY_ATTEMPTS,
      retryBaseMs: env.NOTIFICATION_RETRY_BASE_MS,
      dispatchIntervalMs: env.NOTIFICATION_DISPATCH_INTERVAL_MS,
      webhookUrl: env.NOTIFICATION_WEBHOOK_URL?.replace(/\/+$/, ''),
      publicUrl: env.NOTIFICATION_PUBLIC_URL.replace(/\/+$/, ''),
      twilioAuthToken:
        env.TWILIO_AUTH_TOKEN ??
        createHmac('sha256', secrets.access).update('notifications:twilio').digest('base64url'),
      smsStatusDelayMs: env.NOTIFICATION_SMS_STATUS_DELAY_MS,
      testLimitPerHour: env.NOTIFICATION_TEST_LIMIT_PER_HOUR,
      escalationMinutes: env.NOTIFICATION_ESCALATION_MINUTES,
    };
    this.kyc = {
      // Without a configured secret (development, tests) it is derived from the access secret, like the providers'.
      webhookSecrets: [
        env.KYC_WEBHOOK_SECRET ??
          createHmac('sha256', secrets.access).update('kyc-webhook:persona').digest('base64url'),
        ...(env.KYC_WEBHOOK_SECRET_PREVIOUS ? [env.KYC_WEBHOOK_SECRET_PREVIOUS] : []),
      ],
      webhookUrl: env.KYC_WEBHOOK_URL,
      inquiryExpiryMs: env.KYC_INQUIRY_EXPIRY_HOURS * 3_600_000,
      sandboxDecisionDelayMs: env.KYC_SANDBOX_DECISION_DELAY_MS,
      // Without a configured key, one derived from the TOTP key (itself required in production).
      documentKey: env.KYC_DOCUMENT_ENCRYPTION_KEY
        ? (parseKey32(env.KYC_DOCUMENT_ENCRYPTION_KEY) as Buffer)
        : createHmac('sha256', secrets.totpKey).update('kyc-documents').digest(),
      documentMaxBytes: env.KYC_DOCUMENT_MAX_BYTES,
    };
    this.bank = {
      webhookSecrets: [
        env.BANK_WEBHOOK_SECRET ??
          createHmac('sha256', secrets.access).update('bank-webhook:dwolla').digest('base64url'),
      ],
      webhookUrl: env.BANK_WEBHOOK_URL,
      // Without a configured key, one derived from the TOTP key (itself required in production).
      accountKey: env.BANK_ACCOUNT_ENCRYPTION_KEY
        ? (parseKey32(env.BANK_ACCOUNT_ENCRYPTION_KEY) as Buffer)
        : createHmac('sha256', secrets.totpKey).update('bank-accounts').digest(),
    };
    this.cards = {
      webhookSecrets: [
        env.CARD_WEBHOOK_SECRET ??
          `whsec_${createHmac('sha256', secrets.access).update('card-webhook:sandbox').digest('base64')}`,
        ...(env.CARD_WEBHOOK_SECRET_PREVIOUS ? [env.CARD_WEBHOOK_SECRET_PREVIOUS] : []),
      ],
      webhookUrl: env.CARD_WEBHOOK_URL,
      dataKey: env.CARD_DATA_ENCRYPTION_KEY
        ? (parseKey32(env.CARD_DATA_ENCRYPTION_KEY) as Buffer)
        : createHmac('sha256', secrets.totpKey).update('card-data').digest(),
      authorizationTimeoutMs: env.CARD_AUTHORIZATION_TIMEOUT_MS,
      authorizationExpiryMs: env.CARD_AUTHORIZATION_EXPIRY_DAYS * 86_400_000,
      overCapturePercent: env.CARD_OVER_CAPTURE_PERCENT,
      sandboxDuplicateRate: env.CARD_SANDBOX_DUPLICATE_RATE,
      revealLimitPerHour: env.CARD_REVEAL_LIMIT_PER_HOUR,
      maxOpenCards: env.CARD_MAX_OPEN,
    };
    this.rewards = {
      expiryMonths: env.REWARDS_EXPIRY_MONTHS,
      expiryNoticeDays: env.REWARDS_EXPIRY_NOTICE_DAYS,
      maxDebtPoints: BigInt(env.REWARDS_MAX_DEBT_POINTS),
      circularWindowDays: env.REWARDS_CIRCULAR_WINDOW_DAYS,
      referralMinDepositUsd: env.REWARDS_REFERRAL_MIN_DEPOSIT_USD,
      referralHoldDays: env.REWARDS_REFERRAL_HOLD_DAYS,
      referrerPoints: BigInt(env.REWARDS_REFERRAL_POINTS_REFERRER),
      referredPoints: BigInt(env.REWARDS_REFERRAL_POINTS_REFERRED),
      referralMonthlyCap: env.REWARDS_REFERRAL_MONTHLY_CAP,
      rules: env.REWARDS_RULES,
    };
    this.adminEmails = new Set(
      env.ADMIN_EMAILS.split(',')
        .map((email) => email.trim().toLowerCase())
        .filter(Boolean),
    );
  }

  get isProduction(): boolean {
    return this.env === 'production';
  }
}

/** The secrets a process runs with, and where they were generated (development), if they were. */
interface Secrets {
  access: string;
  refresh: string;
  totpKey: Buffer;
  /** The embedded database's (empty with DATABASE_URL). */
  embeddedDatabasePassword: string;
  file: string | undefined;
}

/**
 * Validates the environment. Throws {@link ConfigError} with one line naming the offending variable.
 * Outside production, missing secrets (JWT keys, the TOTP encryption key) are generated once and kept in
 * `DATA_DIR/secrets.json`.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw = Object.fromEntries(Object.entries(source).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`Invalid configuration: ${issue.path.join('.')} ${issue.message}`);
  }
  const env = parsed.data;
  if (env.JWT_ACCESS_SECRET && env.REFRESH_TOKEN_SECRET && env.TOTP_ENCRYPTION_KEY && env.DATABASE_URL) {
    return new AppConfig(env, {
      access: env.JWT_ACCESS_SECRET,
      refresh: env.REFRESH_TOKEN_SECRET,
      totpKey: parseKey32(env.TOTP_ENCRYPTION_KEY) as Buffer,
      embeddedDatabasePassword: '',
      file: undefined,
    });
  }
  return new AppConfig(env, developmentSecrets(env));
}

interface StoredSecrets {
  jwtAccessSecret?: string;
  refreshTokenSecret?: string;
  totpEncryptionKey?: string;
  embeddedDatabasePassword?: string;
}

/**
 * The development secrets: what is configured, else what DATA_DIR/secrets.json (0600) keeps, else new random ones,
 * stored there. Only what is not configured is kept in the file: a configured secret is never written to disk.
 * With DATA_DIR=:memory: nothing is stored (new ones per process). The embedded database's password is one of
 * them (not needed with DATABASE_URL).
 */
function developmentSecrets(env: Env): Secrets {
  const generate = () => randomBytes(32).toString('base64url');
  const configuredKey = env.TOTP_ENCRYPTION_KEY ? parseKey32(env.TOTP_ENCRYPTION_KEY) : undefined;
  const embedded = !env.DATABASE_URL;
  if (env.DATA_DIR === IN_MEMORY) {
    return {
      access: env.JWT_ACCESS_SECRET ?? generate(),
      refresh: env.REFRESH_TOKEN_SECRET ?? generate(),
      totpKey: configuredKey ?? randomBytes(32),
      embeddedDatabasePassword: embedded ? generate() : '',
      file: undefined,
    };
  }
  const file = join(resolve(env.DATA_DIR), 'secrets.json');
  let stored: StoredSecrets = {};
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, 'utf8')) as StoredSecrets;
  }
  const next: StoredSecrets = { ...stored };
  if (!env.JWT_ACCESS_SECRET) next.jwtAccessSecret ??= generate();
  if (!env.REFRESH_TOKEN_SECRET) next.refreshTokenSecret ??= generate();
  if (!configuredKey && !(next.totpEncryptionKey && parseKey32(next.totpEncryptionKey))) {
    next.totpEncryptionKey = randomBytes(32).toString('hex');
  }
  if (embedded) next.embeddedDatabasePassword ??= generate();
  if (JSON.stringify(next) !== JSON.stringify(stored)) {
    mkdirSync(resolve(env.DATA_DIR), { recursive: true });
    writeFileSync(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  }
  return {
    access: env.JWT_ACCESS_SECRET ?? (next.jwtAccessSecret as string),
    refresh: env.REFRESH_TOKEN_SECRET ?? (next.refreshTokenSecret as string),
    totpKey: configuredKey ?? (parseKey32(next.totpEncryptionKey as string) as Buffer),
    embeddedDatabasePassword: embedded ? (next.embeddedDatabasePassword as string) : '',
    file,
  };
}
