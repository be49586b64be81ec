import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import {
  createPublicClient,
  createWalletClient,
  http,
  maxUint256,
  toHex,
  type Hex,
  type PublicClient,
  type WalletClient,
} from 'viem';
import { mnemonicToAccount, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import {
  batchPayerAbi,
  batchPayerBytecode,
  tempoTokenAbi,
  tempoTokenBytecode,
} from '../../libs/providers/src/chain/contracts/artifacts';

/**
 * The dev chain: anvil from the npm registry (@foundry-rs/anvil ships the binary in a per-platform package)
 * and the deployment of our contracts on it. Used by `npm run chain:dev` and by the chain tests.
 */

/** Anvil's first development account: the hot wallet (and the tokens' issuer) on the dev chain. */
export const DEV_HOT_WALLET_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** Anvil's development mnemonic: its accounts hold 10,000 ETH each on a fresh node. */
export const DEV_MNEMONIC = 'test test test test test test test test test test test junk';
/** Anvil's second development account: an outside payer in tests (deposits come from it). */
export const DEV_PAYER_KEY: Hex = toHex(
  mnemonicToAccount(DEV_MNEMONIC, { addressIndex: 1 }).getHdKey().privateKey!,
);
export const DEV_CHAIN_ID = 31337;
/** What the hot wallet is given of each token at deployment (1,000,000.000000). */
export const DEV_FLOAT = 1_000_000_000_000n;
export const TOKENS = [
  { currency: 'USDC', name: 'USD Coin' },
  { currency: 'USDT', name: 'Tether USD' },
  { currency: 'PYUSD', name: 'PayPal USD' },
  { currency: 'EURC', name: 'Euro Coin' },
] as const;

export interface DevContracts {
  chainId: number;
  block: string;
  tokens: Record<(typeof TOKENS)[number]['currency'], `0x${string}`>;
  batchPayer: `0x${string}`;
}

/** The anvil binary of this platform (the package's own optional dependency), or its `bin.mjs` launcher. */
export function anvilBinary(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const name = process.platform === 'win32' ? 'anvil.exe' : 'anvil';
  try {
    const manifest = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
    const binary = join(dirname(manifest), 'bin', name);
    if (existsSync(binary)) return binary;
  } catch {
    // fall through to the launcher
  }
  return join(dirname(require.resolve('@foundry-rs/anvil/package.json')), 'bin.mjs');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningAnvil {
  url: string;
  port: number;
  process: ChildProcess;
  /** SIGTERM, then waits for it to exit (with --state it writes its state first). */
  stop(): Promise<void>;
}

/** Starts anvil on `port` (chain id 31337; automine unless `blockTime`) and waits until it answers. */
export async function startAnvil(
  options: { port?: number; stateFile?: string; blockTime?: number } = {},
): Promise<RunningAnvil> {
  const port = options.port ?? (await freePort());
  const args = [
    '--port',
    String(port),
    '--host',
    '127.0.0.1',
    '--chain-id',
    String(DEV_CHAIN_ID),
    '--silent',
  ];
  if (options.stateFile) args.push('--state', options.stateFile);
  // Interval mining (a block every `blockTime` seconds) instead of a block per transaction.
  if (options.blockTime) args.push('--block-time', String(options.blockTime));
  const binary = anvilBinary();
  const child = binary.endsWith('.mjs')
    ? spawn(process.execPath, [binary, ...args], { stdio: 'ignore' })
    : spawn(binary, args, { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const client = createPublicClient({ transport: http(url, { retryCount: 0, timeout: 1_000 }) });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await client.getChainId();
      break;
    } catch (error) {
      if (attempt > 150 || child.exitCode !== null) {
        child.kill('SIGKILL');
        throw new Error(`anvil did not start on port ${port}`, { cause: error });
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    port,
    process: child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export function devClients(
  url: string,
  key: Hex = DEV_HOT_WALLET_KEY,
): { public: PublicClient; wallet: WalletClient } {
  const transport = http(url, { retryCount: 0 });
  return {
    public: createPublicClient({ chain: foundry, transport }) as PublicClient,
    wallet: createWalletClient({ chain: foundry, transport, account: privateKeyToAccount(key) }),
  };
}

/**
 * Deploys USDC, USDT, PYUSD and EURC (TIP-20-style, 6 decimals) and the batch payer from the hot wallet, gives
 * the hot wallet its float of each, and approves the batch payer to spend it. What TEMPO_CONTRACTS takes.
 */
export async function deployDevContracts(url: string, key: Hex = DEV_HOT_WALLET_KEY): Promise<DevContracts> {
  const { public: client, wallet } = devClients(url, key);
  const account = wallet.account!;
  const mined = async (hash: Hex) => {
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
    if (receipt.status !== 'success') throw new Error(`deployment transaction ${hash} reverted`);
    return receipt;
  };
  const tokens = {} as DevContracts['tokens'];
  for (const token of TOKENS) {
    const hash = await wallet.deployContract({
      abi: tempoTokenAbi,
      bytecode: tempoTokenBytecode,
      args: [token.name, token.currency],
      account,
      chain: foundry,
    });
    tokens[token.currency] = (await mined(hash)).contractAddress!;
  }
  const batchHash = await wallet.deployContract({
    abi: batchPayerAbi,
    bytecode: batchPayerBytecode,
    account,
    chain: foundry,
  });
  const batchPayer = (await mined(batchHash)).contractAddress!;
  let last = 0n;
  for (const token of TOKENS) {
    const address = tokens[token.currency];
    await mined(
      await wallet.writeContract({
        address,
        abi: tempoTokenAbi,
        functionName: 'mint',
        args: [account.address, DEV_FLOAT],
        account,
        chain: foundry,
      }),
    );
    const receipt = await mined(
      await wallet.writeContract({
        address,
        abi: tempoTokenAbi,
        functionName: 'approve',
        args: [batchPayer, maxUint256],
        account,
        chain: foundry,
      }),
    );
    last = receipt.blockNumber;
  }
  return { chainId: DEV_CHAIN_ID, block: last.toString(), tokens, batchPayer };
}

/** Mints `amount` of a token to `to` (the issuer is the hot wallet on the dev chain). */
export async function mintDev(
  url: string,
  token: `0x${string}`,
  to: `0x${string}`,
  amount: bigint,
): Promise<void> {
  const { public: client, wallet } = devClients(url);
  const hash = await wallet.writeContract({
    address: token,
    abi: tempoTokenAbi,
    functionName: 'mint',
    args: [to, amount],
    account: wallet.account!,
    chain: foundry,
  });
  await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
}

/** An outside payer (anvil's second account) is minted `amount` of a token and sends it to `to`: the tx hash. */
export async function payFromOutside(
  url: string,
  token: `0x${string}`,
  to: `0x${string}`,
  amount: bigint,
): Promise<Hex> {
  const { public: client, wallet } = devClients(url, DEV_PAYER_KEY);
  await mintDev(url, token, wallet.account!.address, amount);
  const hash = await wallet.writeContract({
    address: token,
    abi: tempoTokenAbi,
    functionName: 'transfer',
    args: [to, amount],
    account: wallet.account!,
    chain: foundry,
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  if (receipt.status !== 'success') throw new Error('the outside payment reverted');
  return hash;
}
