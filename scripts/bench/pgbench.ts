import { spawn } from 'node:child_process';

export interface PgbenchResult {
  available: boolean;
  clients: number;
  threads: number;
  seconds: number;
  scale: number;
  tps: number | null;
  latencyAvgMs: number | null;
  note?: string;
}

function onPath(command: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    child.on('exit', (code) => resolve(code === 0));
    child.on('error', () => resolve(false));
  });
}

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** pgbench's TPC-B-like transaction on its own database: what this PostgreSQL does for a classic OLTP mix. */
export async function runPgbench(
  url: string,
  options: { clients: number; threads: number; seconds: number; scale: number },
): Promise<PgbenchResult> {
  const base = { ...options, tps: null, latencyAvgMs: null };
  if (!(await onPath('pgbench'))) return { ...base, available: false, note: 'pgbench is not on PATH' };
  const init = await run('pgbench', ['-i', '-q', '-s', String(options.scale), url]);
  if (init.code !== 0) return { ...base, available: true, note: `pgbench -i failed: ${init.output.trim()}` };
  const bench = await run('pgbench', [
    '-c',
    String(options.clients),
    '-j',
    String(options.threads),
    '-T',
    String(options.seconds),
    url,
  ]);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(bench.output);
  const latency = /latency average = ([\d.]+) ms/.exec(bench.output);
  if (bench.code !== 0 || !tps) {
    return { ...base, available: true, note: `pgbench failed: ${bench.output.trim().slice(-500)}` };
  }
  return {
    ...base,
    available: true,
    tps: Math.round(Number(tps[1])),
    latencyAvgMs: latency ? Number(latency[1]) : null,
  };
}
