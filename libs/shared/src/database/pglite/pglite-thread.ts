import { parentPort, Worker, workerData } from 'node:worker_threads';

import {
  PgliteWireServer,
  type PgliteWireServerLogger,
  type PgliteWireServerOptions,
} from './pglite-wire-server';

/** What the thread tells its owner. */
type FromThread =
  | { type: 'ready'; url: string }
  | { type: 'log'; level: 'log' | 'warn'; message: string }
  | { type: 'closed' }
  | { type: 'failed'; message: string };

type ThreadOptions = Omit<PgliteWireServerOptions, 'logger'>;

/**
 * What the thread runs: this module, required by file name. Where the code runs as TypeScript (the test suites,
 * through ts-jest), the thread has no transformer of its own, so `.ts` files are transpiled as they are required,
 * by TypeScript (a dependency at hand there), and kept in the temporary directory by their content's hash and
 * TypeScript's version: loading TypeScript takes ~0.5 s, once per change rather than once per test file. The compiled
 * build needs none of it.
 */
const THREAD_SCRIPT = `
const { workerData } = require('node:worker_threads');
const { createRequire } = require('node:module');
const load = createRequire(workerData.module);
if (workerData.module.endsWith('.ts')) {
  const { createHash } = require('node:crypto');
  const { existsSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
  const { join } = require('node:path');
  const { tmpdir } = require('node:os');
  require.extensions['.ts'] = (module, file) => {
    const source = readFileSync(file, 'utf8');
    const version = load('typescript/package.json').version;
    const key = createHash('sha256').update(version + '\\0' + source).digest('hex').slice(0, 32);
    const cached = join(tmpdir(), 'monay-ts-' + key + '.js');
    let code;
    if (existsSync(cached)) code = readFileSync(cached, 'utf8');
    else {
      const ts = load('typescript');
      const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true };
      code = ts.transpileModule(source, { compilerOptions: options }).outputText;
      const partial = cached + '.' + process.pid + '.' + Math.random().toString(36).slice(2);
      writeFileSync(partial, code);
      renameSync(partial, cached);
    }
    module._compile(code, file);
  };
}
load(workerData.module).servePgliteInThisThread();
`;

/**
 * The embedded database on a thread of its own: PGlite and its {@link PgliteWireServer}, served on loopback as in
 * the process, so clients connect to it exactly as before. PGlite runs PostgreSQL in WebAssembly on the thread that
 * calls it; in the API's process that is the thread that also parses requests, runs the handlers and the relay, so
 * every statement's execution stopped everything else, and a second core stayed idle. Here the database runs beside
 * the application: the wire protocol between them already crossed a socket.
 */
export class PgliteThread {
  private closed: Promise<void> | null = null;
  private exited = false;

  private constructor(
    private readonly worker: Worker,
    private readonly url: string,
    private readonly logger: PgliteWireServerLogger | undefined,
  ) {
    worker.on('message', (message: FromThread) => {
      if (message.type === 'log') logger?.[message.level](message.message);
    });
    worker.on('error', (error) => logger?.warn(`The embedded database's thread failed: ${error.message}`));
    worker.on('exit', (code) => {
      this.exited = true;
      if (!this.closed) logger?.warn(`The embedded database's thread stopped (exit code ${code})`);
    });
  }

  static start(options: ThreadOptions & { logger?: PgliteWireServerLogger } = {}): Promise<PgliteThread> {
    const { logger, ...serverOptions } = options;
    const worker = new Worker(THREAD_SCRIPT, {
      eval: true,
      workerData: { module: __filename, options: serverOptions },
      // The thread's JavaScript passes protocol bytes through (PGlite's own memory is WebAssembly's, outside V8's
      // heap): a young generation of 8 MB rather than the process's 24 keeps its short-lived buffers few.
      resourceLimits: { maxYoungGenerationSizeMb: 8 },
    });
    return new Promise<PgliteThread>((resolve, reject) => {
      const fail = (error: Error) => {
        worker.off('message', onMessage);
        void worker.terminate();
        reject(error);
      };
      const onMessage = (message: FromThread) => {
        if (message.type === 'log') logger?.[message.level](message.message);
        else if (message.type === 'failed') fail(new Error(message.message));
        else if (message.type === 'ready') {
          worker.off('message', onMessage);
          worker.off('error', fail);
          worker.off('exit', onExit);
          resolve(new PgliteThread(worker, message.url, logger));
        }
      };
      const onExit = (code: number) =>
        fail(new Error(`the embedded database's thread exited (${code}) before it served`));
      worker.on('message', onMessage);
      worker.once('error', fail);
      worker.once('exit', onExit);
    });
  }

  /** Where to connect, password included (keep it out of logs). */
  connectionString(): string {
    return this.url;
  }

  /**
   * Closes the server (dropping its clients, flushing PGlite to disk) and waits for the thread to end. The thread
   * ends by itself once closed; one that does not within two seconds is stopped.
   */
  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve, reject) => {
      if (this.exited) return resolve();
      let failure: Error | null = null;
      this.worker.on('message', (message: FromThread) => {
        if (message.type === 'failed') failure = new Error(message.message);
        if (message.type === 'closed' || message.type === 'failed') {
          setTimeout(() => void this.worker.terminate(), 2_000).unref();
        }
      });
      this.worker.once('exit', () => (failure ? reject(failure) : resolve()));
      this.worker.postMessage({ type: 'close' });
    });
    return this.closed;
  }
}

/** The thread's side: start the server, say where it listens, close it when asked. */
export function servePgliteInThisThread(): void {
  const port = parentPort;
  if (!port) throw new Error('servePgliteInThisThread runs in a worker thread');
  const post = (message: FromThread) => port.postMessage(message);
  const logger: PgliteWireServerLogger = {
    log: (message) => post({ type: 'log', level: 'log', message }),
    warn: (message) => post({ type: 'log', level: 'warn', message }),
  };
  const { options } = workerData as { options: ThreadOptions };
  PgliteWireServer.start({ ...options, logger }).then(
    (server) => {
      port.on('message', (message: { type: string }) => {
        if (message.type !== 'close') return;
        server
          .close()
          .then(
            () => post({ type: 'closed' }),
            (error: unknown) => post({ type: 'failed', message: String(error) }),
          )
          // Nothing else keeps the thread: it ends once the server's last handle is gone.
          .finally(() => port.close());
      });
      post({ type: 'ready', url: server.connectionString() });
    },
    (error: unknown) =>
      post({ type: 'failed', message: error instanceof Error ? error.message : String(error) }),
  );
}
