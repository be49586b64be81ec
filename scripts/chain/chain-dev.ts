import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deployDevContracts, startAnvil, type DevContracts } from './dev-chain';

/**
 * `npm run chain:dev`: starts anvil with its state kept in DATA_DIR/anvil-state.json (default ./data), deploys
 * the tokens and the batch payer the first time (their addresses kept in DATA_DIR/tempo-contracts.json), and
 * prints the environment for on-chain mode. Ctrl-C stops it, saving the chain: the next start goes on from
 * it, so the hot wallet's nonces and the deposit watcher's cursor stay valid against the API's database.
 */
async function main(): Promise<void> {
  const port = Number(process.env.TEMPO_DEV_PORT ?? 8545);
  const dataDir = process.env.DATA_DIR && process.env.DATA_DIR !== ':memory:' ? process.env.DATA_DIR : 'data';
  mkdirSync(dataDir, { recursive: true });
  const stateFile = join(dataDir, 'anvil-state.json');
  const contractsFile = join(dataDir, 'tempo-contracts.json');
  const fresh = !existsSync(stateFile) || !existsSync(contractsFile);
  const anvil = await startAnvil({ port, stateFile });
  let contracts: DevContracts;
  if (fresh) {
    contracts = await deployDevContracts(anvil.url);
    writeFileSync(contractsFile, JSON.stringify(contracts, null, 2));
  } else {
    contracts = JSON.parse(readFileSync(contractsFile, 'utf8')) as DevContracts;
  }
  console.log(
    `anvil listening on ${anvil.url}; contracts ${fresh ? 'deployed' : 'kept from the last run'}. ` +
      'Start the API in on-chain mode with:\n',
  );
  console.log(`TEMPO_RPC_URL=${anvil.url} TEMPO_CONTRACTS='${JSON.stringify(contracts)}' npm start\n`);
  const stop = () => {
    void anvil.stop().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
