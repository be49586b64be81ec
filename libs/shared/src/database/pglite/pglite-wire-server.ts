import { randomBytes, randomInt } from 'node:crypto';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, openAsBlob } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { createServer, type Server, type Socket } from 'node:net';

import { PGlite } from '@electric-sql/pglite';

import {
  CANCEL_REQUEST_CODE,
  FieldReader,
  FrameReader,
  GSSENC_REQUEST_CODE,
  PROTOCOL_VERSION_3,
  ProtocolError,
  SSL_REQUEST_CODE,
  type Frame,
  type TransactionStatus,
  authenticationOk,
  authenticationSasl,
  authenticationSaslContinue,
  authenticationSaslFinal,
  backendFrames,
  backendKeyData,
  closeStatement,
  errorResponse,
  message,
  negotiateProtocolVersion,
  notificationResponse,
  parameterStatus,
  readyForQuery,
  simpleQuery,
  sync,
} from './pg-wire-protocol';
import { SCRAM_MECHANISM, ScramVerifier, type ScramExchange } from './scram';

export interface PgliteWireServerLogger {
  log(msg: string): void;
  warn(msg: string): void;
}

export interface PgliteWireServerOptions {
  /** Directory of the database files; undefined keeps the database in memory. */
  dataDir?: string;
  /**
   * In memory only: start from this dump of a data directory (`PGlite.dumpDataDir()`, a tar file) instead of an
   * empty database. Tests start from a dump of a migrated database rather than migrating each one. PGlite reads it
   * through a blob backed by the file (`openAsBlob`), not one it was copied into: a 45 MB dump then starts in 0.65
   * rather than 1.05 s, with 0.96 rather than 1.14–1.24 s of CPU.
   */
  seedFile?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  logger?: PgliteWireServerLogger;
  /**
   * An owner that keeps a transaction open without sending anything for this long is disconnected (and
   * rolled back), as PostgreSQL's idle_in_transaction_session_timeout does: in one shared session an idle
   * transaction stalls every other connection, so a stuck client becomes an error instead of a hang.
   */
  idleInTransactionTimeoutMs?: number;
  /**
   * The password every client must prove it knows (SCRAM-SHA-256, as PostgreSQL asks it) before a single
   * statement runs: the port is on loopback, but any local user could otherwise read and change the ledger.
   * Default: a random one for this server alone (in-memory test databases), given out by connectionString().
   */
  password?: string;
}

type ListenOp = { kind: 'listen' | 'unlisten'; channel: string } | { kind: 'unlisten-all' };

interface Connection {
  readonly id: number;
  readonly socket: Socket;
  readonly reader: FrameReader;
  started: boolean;
  closed: boolean;
  /** Messages received and not yet run, names already rewritten. A null entry is a Terminate. */
  pending: (Frame | null)[];
  /** Client statement/portal name → name in the shared session. */
  readonly statements: Map<string, string>;
  readonly portals: Map<string, string>;
  /** Channels this connection LISTENs to; notifications are routed from this set, not from PGlite's. */
  readonly channels: Set<string>;
  /** LISTEN/UNLISTEN run inside a transaction block take effect only if it commits. */
  pendingListenOps: ListenOp[];
  /** Extended-protocol messages run since the last Sync: 'failed' means Postgres skips everything until Sync. */
  extended: 'idle' | 'open' | 'failed';
  /** Numbers the session names of client names too long to prefix. */
  longNames: number;
  /** `search_path` asked for at startup (`options=-c search_path=…`), set on the session while it owns it. */
  searchPath: string | null;
  /** Until the password is proven nothing is queued: the SCRAM exchange in progress, and the startup parameters. */
  authenticated: boolean;
  auth: { exchange: ScramExchange | null; params: Map<string, string> } | null;
}

interface Outcome {
  /** Status byte of the last ReadyForQuery in the output, or null if there was none. */
  status: TransactionStatus | null;
  /** Whether an ErrorResponse appeared, and whether one came after the last ReadyForQuery. */
  error: boolean;
  errorAfterReady: boolean;
  lastCommandTag: string | null;
}

/** Startup parameters that a shared session can honour (or that need no honouring). */
const ACCEPTED_STARTUP_PARAMS = new Set([
  'user',
  'database',
  'application_name',
  'fallback_application_name',
  'client_encoding',
  'replication',
]);
/**
 * The `search_path` in startup options made only of `-c search_path=…` (as BullMQ's PostgreSQL backend
 * sends), or null for anything else. The value must be a plain list of (quoted) identifiers.
 */
function searchPathOf(options: string): string | null {
  const match = /^\s*(?:-c\s*|--)search_path=(\S+)\s*$/.exec(options);
  if (!match) return null;
  const value = match[1].replace(/\\(.)/g, '$1');
  return /^(?:"[^"]+"|[A-Za-z_][\w$]*)(?:,\s*(?:"[^"]+"|[A-Za-z_][\w$]*))*$/.test(value) ? value : null;
}

const FORWARDED_MESSAGE_TYPES = new Set(['Q', 'P', 'B', 'D', 'E', 'C', 'S', 'H', 'd', 'c', 'f']);
const NAMEDATALEN = 64;
/**
 * PGlite's start parameters for every database the app opens. ANALYZE samples 300 rows per unit of
 * `default_statistics_target`, and on PGlite it holds the one session, so every request waits for it: the table
 * maintenance job's ANALYZE of a 23 MB outbox took 303 ms at PostgreSQL's default of 100 and 40 ms at 10 (the
 * deliveries' 190 and 21 ms). Ten buckets and ten most common values are plenty for the app's statements, which look
 * rows up by key, by user or from a sequence on.
 */
function pgliteStartParams(...settings: string[]): string[] {
  const params = [...PGlite.defaultStartParams, '-c', 'default_statistics_target=10'];
  for (const setting of settings) params.push('-c', setting);
  return params;
}

/**
 * An on-disk PGlite database (the embedded default's), with 32 MB of shared buffers instead of PostgreSQL's 128 MB:
 * they live in PGlite's WASM memory, which never shrinks, while the operating system's page cache keeps the files
 * warm anyway. Measured (`npm run bench`, embedded phase, c=8): the API's RSS under load 607 -> 475 MB, 51 -> 63 req/s.
 */
export async function openPgliteOnDisk(dataDir: string): Promise<PGlite> {
  await initdbApart(dataDir);
  return new PGlite({ dataDir, startParams: pgliteStartParams('shared_buffers=32MB') });
}

/**
 * Creates a new data directory (initdb) in a short-lived node process of its own. Run in this process, initdb's WASM
 * instance left ~150 MB resident for the process's life (a fresh directory opened and worked: 363-393 MB; the
 * same directory reopened: 218-241 MB). A directory that already holds a cluster (`PG_VERSION`) is left as it is.
 */
async function initdbApart(dataDir: string): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  mkdirSync(dataDir, { recursive: true });
  const pglite = pathToFileURL(require.resolve('@electric-sql/pglite')).href;
  const script =
    `import(${JSON.stringify(pglite)}).then(async ({ PGlite }) => {` +
    ` const db = new PGlite(${JSON.stringify(dataDir)}); await db.waitReady; await db.close(); })` +
    `.catch((error) => { console.error(error); process.exit(1); });`;
  await promisify(execFile)(process.execPath, ['-e', script], { timeout: 120_000 });
}

/**
 * Serves one PGlite database to ordinary PostgreSQL clients (node-postgres, TypeORM, BullMQ) over TCP.
 *
 * PGlite is a single Postgres session, while a pool opens several connections. Sharing the session
 * naively interleaves one connection's statements into another's transaction, so each connection
 * *owns* the session from its first message until a Query or Sync leaves no transaction block open
 * (ReadyForQuery 'I'); other connections wait in FIFO order. Session-wide state that Postgres keeps
 * per connection (named statements, LISTEN) is separated here: names are rewritten per connection and
 * notifications are routed by this server to the connections that asked for them.
 */
export class PgliteWireServer {
  private readonly connections = new Set<Connection>();
  private readonly waiting: Connection[] = [];
  private readonly subscribers = new Map<string, Set<Connection>>();
  private owner: Connection | null = null;
  private sessionStatus: TransactionStatus = 'I';
  private sessionSearchPath: string | null = null;
  private idleTimeoutMs = 60_000;
  private idleTimer: NodeJS.Timeout | undefined;
  private driving: Promise<void> | null = null;
  private nextConnectionId = 1;
  private closing = false;
  /** Set when PGlite itself failed; its state is unknown afterwards, so nothing more is run on it. */
  private crashed: Error | null = null;

  private constructor(
    readonly db: PGlite,
    private readonly server: Server,
    readonly host: string,
    readonly port: number,
    private readonly startupParameters: ReadonlyMap<string, string>,
    private readonly logger: PgliteWireServerLogger | undefined,
    private readonly password: string,
    private readonly verifier: ScramVerifier,
  ) {
    server.on('connection', (socket) => this.accept(socket));
  }

  static async start(options: PgliteWireServerOptions = {}): Promise<PgliteWireServer> {
    const started = Date.now();
    const db =
      options.dataDir !== undefined
        ? await openPgliteOnDisk(options.dataDir)
        : options.seedFile !== undefined
          ? new PGlite({ loadDataDir: await openAsBlob(options.seedFile), startParams: pgliteStartParams() })
          : new PGlite({ startParams: pgliteStartParams() });
    await db.waitReady;
    const settings = await db.query<Record<string, string>>(
      `SELECT current_setting('server_version') AS server_version,
              current_setting('server_encoding') AS server_encoding,
              current_setting('client_encoding') AS client_encoding,
              current_setting('DateStyle') AS "DateStyle",
              current_setting('IntervalStyle') AS "IntervalStyle",
              current_setting('TimeZone') AS "TimeZone",
              current_setting('integer_datetimes') AS integer_datetimes,
              current_setting('standard_conforming_strings') AS standard_conforming_strings,
              current_user AS session_authorization`,
    );
    const parameters = new Map(Object.entries(settings.rows[0]));
    parameters.set('is_superuser', 'on');
    parameters.set('default_transaction_read_only', 'off');
    parameters.set('in_hot_standby', 'off');

    const host = options.host ?? '127.0.0.1';
    const server = createServer({ noDelay: true });
    try {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 0, host, () => resolve());
      });
    } catch (error) {
      await db.close();
      throw error;
    }
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : (options.port ?? 0);
    options.logger?.log(
      `PGlite ${parameters.get('server_version')} (${options.dataDir ?? 'in memory'}) serving postgres://${host}:${port} ` +
        `after ${Date.now() - started} ms`,
    );
    const password = options.password ?? randomBytes(24).toString('base64url');
    const verifier = ScramVerifier.fromPassword(password);
    const wire = new PgliteWireServer(db, server, host, port, parameters, options.logger, password, verifier);
    wire.idleTimeoutMs = options.idleInTransactionTimeoutMs ?? 60_000;
    return wire;
  }

  /** Where to connect, password included (keep it out of logs). */
  connectionString(): string {
    return `postgres://postgres:${encodeURIComponent(this.password)}@${this.host}:${this.port}/postgres`;
  }

  /** Stops accepting, drops every client (rolling back the owner's transaction) and closes PGlite, flushing it. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.clearIdleTimer();
    const serverClosed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of [...this.connections]) {
      conn.socket.destroy();
      this.connectionGone(conn);
    }
    await this.drive();
    await serverClosed;
    try {
      if (!this.db.closed) await this.db.close();
    } catch (error) {
      if (!this.crashed) throw error;
    }
  }

  // ---- connection lifecycle -------------------------------------------------------------------

  private accept(socket: Socket): void {
    if (this.closing) {
      socket.destroy();
      return;
    }
    const conn: Connection = {
      id: this.nextConnectionId++,
      socket,
      reader: new FrameReader(),
      started: false,
      closed: false,
      pending: [],
      statements: new Map(),
      portals: new Map(),
      channels: new Set(),
      pendingListenOps: [],
      searchPath: null,
      authenticated: false,
      auth: null,
      extended: 'idle',
      longNames: 0,
    };
    this.connections.add(conn);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(conn, chunk));
    socket.on('error', () => this.connectionGone(conn));
    socket.on('close', () => this.connectionGone(conn));
  }

  private receive(conn: Connection, chunk: Buffer): void {
    if (conn.closed) return;
    try {
      conn.reader.push(chunk);
      while (!conn.started && !conn.closed) {
        const packet = conn.reader.nextStartupPacket();
        if (!packet) return;
        this.handleStartupPacket(conn, packet);
      }
      if (!conn.started || conn.closed) return;
      for (let frame = conn.reader.nextFrame(); frame && !conn.closed; frame = conn.reader.nextFrame()) {
        this.queueMessage(conn, frame);
      }
    } catch (error) {
      const text = error instanceof ProtocolError ? error.message : `internal error: ${String(error)}`;
      this.logger?.warn(`connection ${conn.id} closed: ${text}`);
      this.fail(conn, error instanceof ProtocolError ? '08P01' : 'XX000', text);
      return;
    }
    if (conn.pending.length > 0 && this.owner !== conn && !this.waiting.includes(conn)) {
      this.waiting.push(conn);
    }
    if (this.owner === conn) this.clearIdleTimer();
    void this.drive();
  }

  private armIdleTimer(owner: Connection): void {
    this.clearIdleTimer();
    this.idleTimer = setTimeout(() => {
      if (this.owner !== owner || owner.closed || owner.pending.length > 0) return;
      this.logger?.warn(
        `connection ${owner.id} idle in a transaction for ${this.idleTimeoutMs} ms: disconnected`,
      );
      this.fail(owner, '25P03', 'terminating connection due to idle-in-transaction timeout');
    }, this.idleTimeoutMs);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  private handleStartupPacket(conn: Connection, packet: Buffer): void {
    const fields = new FieldReader(packet, 4);
    const code = fields.int32();
    if (code === SSL_REQUEST_CODE || code === GSSENC_REQUEST_CODE) {
      conn.socket.write('N');
      return;
    }
    if (code === CANCEL_REQUEST_CODE) {
      // A running statement cannot be interrupted inside PGlite; the request is only acknowledged by closing.
      conn.socket.destroy();
      this.connectionGone(conn);
      return;
    }
    if (code >>> 16 !== 3) {
      this.fail(conn, '0A000', `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}`);
      return;
    }
    if (this.crashed) {
      this.fail(
        conn,
        '57P03',
        `the embedded database stopped after an internal error: ${this.crashed.message}`,
      );
      return;
    }
    const params = new Map<string, string>();
    for (let name = fields.cstring(); name !== ''; name = fields.cstring()) {
      params.set(name, fields.cstring());
    }

    const out: Buffer[] = [];
    const protocolOptions = [...params.keys()].filter((name) => name.startsWith('_pq_.'));
    if (code !== PROTOCOL_VERSION_3 || protocolOptions.length > 0) {
      out.push(negotiateProtocolVersion(0, protocolOptions));
    }
    const options = params.get('options');
    const searchPath = options === undefined ? null : searchPathOf(options);
    if (searchPath !== null) {
      conn.searchPath = searchPath;
      params.delete('options');
    }
    const ignored = [...params.keys()].filter(
      (name) => !ACCEPTED_STARTUP_PARAMS.has(name) && !name.startsWith('_pq_.'),
    );
    if (ignored.length > 0) {
      this.logger?.warn(
        `connection ${conn.id}: startup parameters ${ignored.join(', ')} ignored (shared session)`,
      );
    }
    // The password first: nothing reaches the session before the client has proven it (authenticate()).
    out.push(authenticationSasl(SCRAM_MECHANISM));
    conn.auth = { exchange: null, params };
    conn.started = true;
    conn.socket.write(Buffer.concat(out));
  }

  /**
   * The SCRAM-SHA-256 exchange, as PostgreSQL runs it: SASLInitialResponse (client-first) → SASLContinue
   * (server-first) → SASLResponse (client-final, with the proof) → SASLFinal, then the usual start-up answer.
   * Anything else before it succeeds, a wrong proof included, closes the connection with a FATAL error.
   */
  private authenticate(conn: Connection, frame: Frame): void {
    const auth = conn.auth;
    if (frame.type === 'X' || !auth) {
      this.terminate(conn);
      return;
    }
    const refuse = () =>
      this.fail(
        conn,
        '28P01',
        `password authentication failed for user "${auth.params.get('user') ?? 'postgres'}"`,
      );
    if (frame.type !== 'p') {
      this.fail(conn, '28000', 'password authentication (SCRAM-SHA-256) is required before anything else');
      return;
    }
    const fields = new FieldReader(frame.bytes, 5);
    if (!auth.exchange) {
      const mechanism = fields.cstring();
      const length = fields.int32();
      const data = length < 0 ? '' : fields.remaining.subarray(0, length).toString('utf8');
      const started = mechanism === SCRAM_MECHANISM ? this.verifier.begin(data) : null;
      if (!started) return refuse();
      auth.exchange = started.exchange;
      conn.socket.write(authenticationSaslContinue(started.serverFirst));
      return;
    }
    const serverFinal = this.verifier.finish(auth.exchange, fields.remaining.toString('utf8'));
    if (!serverFinal) return refuse();
    conn.auth = null;
    conn.authenticated = true;
    const out = [authenticationSaslFinal(serverFinal), authenticationOk()];
    for (const [name, value] of this.startupParameters) out.push(parameterStatus(name, value));
    out.push(parameterStatus('application_name', auth.params.get('application_name') ?? ''));
    out.push(backendKeyData(conn.id, randomInt(1, 2 ** 31 - 1)));
    out.push(readyForQuery('I'));
    conn.socket.write(Buffer.concat(out));
  }

  /** Rewrites what must not leak into the shared session and queues the message for the session. */
  private queueMessage(conn: Connection, frame: Frame): void {
    if (!conn.authenticated) {
      this.authenticate(conn, frame);
      return;
    }
    if (frame.type === 'X') {
      if (conn.pending.length === 0 && this.owner !== conn) this.terminate(conn);
      else conn.pending.push(null);
      return;
    }
    if (frame.type === 'p') return; // a stray password message after authentication: nothing to do
    if (!FORWARDED_MESSAGE_TYPES.has(frame.type)) {
      throw new ProtocolError(`invalid frontend message type ${frame.bytes[0]}`);
    }
    conn.pending.push(this.rewriteNames(conn, frame));
  }

  private terminate(conn: Connection): void {
    conn.socket.end(() => conn.socket.destroy());
    this.connectionGone(conn);
  }

  private fail(conn: Connection, code: string, text: string): void {
    if (conn.closed) return;
    conn.socket.end(errorResponse('FATAL', code, text), () => conn.socket.destroy());
    this.connectionGone(conn);
  }

  /**
   * Idempotent. A dead connection keeps (or takes) its turn in the session only to clean up after itself:
   * roll back its transaction, deallocate its statements, stop listening where no one else listens.
   */
  private connectionGone(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    conn.pending = [];
    this.connections.delete(conn);
    for (const channel of conn.channels) this.subscribers.get(channel)?.delete(conn);
    const queued = this.waiting.indexOf(conn);
    const needsCleanup = conn.statements.size > 0 || conn.channels.size > 0;
    if (this.owner !== conn) {
      if (queued >= 0 && !needsCleanup) this.waiting.splice(queued, 1);
      if (queued < 0 && needsCleanup) this.waiting.push(conn);
    }
    void this.drive();
  }

  // ---- session ownership ----------------------------------------------------------------------

  /**
   * The only code that touches the session. One loop at a time; it re-reads all state after every await
   * and exits only synchronously, so an event arriving while it runs is never missed.
   */
  private drive(): Promise<void> {
    this.driving ??= this.runSession().finally(() => {
      this.driving = null;
    });
    return this.driving;
  }

  private async runSession(): Promise<void> {
    for (;;) {
      if (this.crashed) return;
      const acquired = this.owner === null;
      const owner = this.owner ?? this.waiting.shift() ?? null;
      if (!owner) return;
      this.owner = owner;
      try {
        if (owner.closed) {
          await this.cleanUp(owner);
          this.owner = null;
          continue;
        }
        const batch = this.takeBatch(owner);
        if (batch === 'terminate') {
          this.terminate(owner);
          continue;
        }
        if (!batch && acquired) {
          this.owner = null;
          continue;
        }
        if (!batch) {
          // The owner is inside a transaction and has not sent its next message yet.
          this.armIdleTimer(owner);
          return;
        }
        if (acquired) await this.applySearchPath(owner);
        const outcome = await this.runForClient(owner, batch);
        const endsCycle = batch.at(-1)?.type === 'Q' || batch.at(-1)?.type === 'S';
        if (endsCycle && outcome.status === 'I' && !owner.closed) {
          this.owner = null;
          if (owner.pending.length > 0) this.waiting.push(owner);
        }
      } catch (error) {
        this.crash(error);
        return;
      }
    }
  }

  /**
   * Messages up to and including the next Query or Sync: the points where ownership may change hands.
   * Forwarding them together saves PGlite calls; what comes after waits for the next round.
   */
  private takeBatch(conn: Connection): Frame[] | 'terminate' | null {
    if (conn.pending[0] === null) return 'terminate';
    const batch: Frame[] = [];
    while (conn.pending.length > 0) {
      const frame = conn.pending[0];
      if (frame === null) break;
      conn.pending.shift();
      batch.push(frame);
      if (frame.type === 'Q' || frame.type === 'S') break;
    }
    return batch.length > 0 ? batch : null;
  }

  private async runForClient(conn: Connection, batch: Frame[]): Promise<Outcome> {
    const listenOps: ListenOp[] = [];
    for (const frame of batch) {
      if (frame.type === 'Q') listenOps.push(...listenOpsOf(new FieldReader(frame.bytes, 5).cstring()));
    }
    const output = await this.execute(Buffer.concat(batch.map((frame) => frame.bytes)));
    const outcome = this.deliver(conn, output);

    const last = batch.at(-1)?.type;
    if (last === 'Q' || last === 'S') {
      if (outcome.status !== null) conn.extended = 'idle';
    } else if (outcome.errorAfterReady || conn.extended === 'failed') {
      conn.extended = 'failed';
    } else {
      conn.extended = 'open';
    }

    conn.pendingListenOps.push(...listenOps);
    if (this.sessionStatus === 'I' && conn.pendingListenOps.length > 0) {
      const committed = !outcome.error && outcome.lastCommandTag !== 'ROLLBACK';
      const ops = conn.pendingListenOps;
      conn.pendingListenOps = [];
      if (committed) await this.applyListenOps(conn, ops);
    }
    return outcome;
  }

  /**
   * BullMQ pins its pool's `search_path` to its schema through the startup `options`. In one shared
   * session that is a session setting, so it is switched when ownership passes to a connection that
   * wants another one (a client's own `SET search_path` outside a transaction is not tracked).
   */
  private async applySearchPath(conn: Connection): Promise<void> {
    if (conn.searchPath === this.sessionSearchPath) return;
    const sql = conn.searchPath === null ? 'RESET search_path' : `SET search_path TO ${conn.searchPath}`;
    const outcome = this.deliver(conn, await this.execute(simpleQuery(sql)), false);
    if (outcome.error) throw new Error(`could not apply search_path for connection ${conn.id}: ${sql}`);
    this.sessionSearchPath = conn.searchPath;
  }

  private async cleanUp(conn: Connection): Promise<void> {
    const messages: Buffer[] = [];
    // A failed extended-protocol cycle ignores everything up to Sync; an open one (or a transaction block)
    // is aborted by ROLLBACK, which is what PostgreSQL does when a client disconnects.
    if (conn.extended === 'failed') messages.push(sync());
    const inTransaction = conn.extended !== 'idle' || this.sessionStatus !== 'I';
    if (inTransaction) messages.push(simpleQuery('ROLLBACK'));
    if (conn.statements.size > 0) {
      for (const name of conn.statements.values()) messages.push(closeStatement(name));
      messages.push(sync());
    }
    const orphaned = [...conn.channels].filter((channel) => !this.subscribers.get(channel)?.size);
    for (const channel of orphaned) this.subscribers.delete(channel);
    if (orphaned.length > 0) {
      messages.push(simpleQuery(orphaned.map((c) => `UNLISTEN ${quoteIdent(c)}`).join('; ')));
    }
    conn.statements.clear();
    conn.portals.clear();
    conn.channels.clear();
    if (messages.length === 0) return;
    if (inTransaction) this.logger?.warn(`connection ${conn.id} went away inside a transaction; rolled back`);
    this.deliver(conn, await this.execute(Buffer.concat(messages)), false);
  }

  private async execute(input: Buffer): Promise<Buffer> {
    const chunks: Buffer[] = [];
    await this.db.runExclusive(() =>
      // The chunk is a view of PGlite's receive buffer, reused by the next call: copy it.
      this.db.execProtocolRawStream(input, { onRawData: (data) => chunks.push(Buffer.from(data)) }),
    );
    return Buffer.concat(chunks);
  }

  /** Writes an execution's output to the connection that ran it, routing notifications to their listeners. */
  private deliver(conn: Connection, output: Buffer, toSender = true): Outcome {
    const outcome: Outcome = { status: null, error: false, errorAfterReady: false, lastCommandTag: null };
    const forClient: Buffer[] = [];
    let copiedUpTo = 0;
    for (const { type, start, end } of backendFrames(output)) {
      if (type === 'Z') {
        outcome.status = String.fromCharCode(output[start + 5]) as TransactionStatus;
        this.sessionStatus = outcome.status;
        outcome.errorAfterReady = false;
      } else if (type === 'E') {
        outcome.error = true;
        outcome.errorAfterReady = true;
      } else if (type === 'C') {
        outcome.lastCommandTag = new FieldReader(output.subarray(start, end), 5).cstring();
      } else if (type === 'A') {
        forClient.push(output.subarray(copiedUpTo, start));
        copiedUpTo = end;
        const fields = new FieldReader(output.subarray(start, end), 9);
        const channel = fields.cstring();
        // The sender's pid, as PostgreSQL reports it, not PGlite's one shared backend pid.
        const notification = notificationResponse(conn.id, channel, fields.cstring());
        for (const listener of this.subscribers.get(channel) ?? []) {
          if (listener === conn) forClient.push(notification);
          else write(listener, notification);
        }
      }
    }
    forClient.push(output.subarray(copiedUpTo));
    if (toSender) write(conn, Buffer.concat(forClient));
    return outcome;
  }

  private crash(error: unknown): void {
    this.crashed = error instanceof Error ? error : new Error(String(error));
    this.logger?.warn(`PGlite failed, refusing all connections from now on: ${this.crashed.message}`);
    this.owner = null;
    this.waiting.length = 0;
    for (const conn of [...this.connections]) {
      this.fail(
        conn,
        'XX000',
        `the embedded database stopped after an internal error: ${this.crashed.message}`,
      );
    }
  }

  // ---- per-connection names and LISTEN --------------------------------------------------------

  /**
   * Two pooled connections may prepare "get_user" with different SQL; in one session they would collide,
   * so named statements and portals get a per-connection name. Unnamed ones are per protocol cycle and
   * the cycle runs under ownership, so they need nothing.
   */
  private rewriteNames(conn: Connection, frame: Frame): Frame {
    const fields = new FieldReader(frame.bytes, 5);
    let parts: (Buffer | string)[];
    switch (frame.type) {
      case 'P': {
        const statement = fields.cstring();
        const sql = fields.cstring();
        if (copiesFromStdin(sql)) throw new ProtocolError(COPY_FROM_STDIN_UNSUPPORTED);
        if (statement === '') return frame;
        parts = [sessionName(conn, conn.statements, statement), sql, fields.remaining];
        break;
      }
      case 'B': {
        const portal = fields.cstring();
        const statement = fields.cstring();
        if (portal === '' && statement === '') return frame;
        parts = [sessionName(conn, conn.portals, portal), sessionName(conn, conn.statements, statement)];
        parts.push(fields.remaining);
        break;
      }
      case 'E': {
        const portal = fields.cstring();
        if (portal === '') return frame;
        parts = [sessionName(conn, conn.portals, portal), fields.remaining];
        break;
      }
      case 'D':
      case 'C': {
        const kind = fields.byte();
        const name = fields.cstring();
        if (name === '') return frame;
        const names = kind === 'S' ? conn.statements : conn.portals;
        parts = [Buffer.from(kind, 'latin1'), sessionName(conn, names, name)];
        if (frame.type === 'C') names.delete(name);
        break;
      }
      case 'Q': {
        const sql = fields.cstring();
        if (!copiesFromStdin(sql)) return frame;
        // COPY FROM STDIN makes PGlite 0.5 exit; run an equivalent error instead so transaction state stays right.
        return { type: 'Q', bytes: simpleQuery(raiseFeatureNotSupported(COPY_FROM_STDIN_UNSUPPORTED)) };
      }
      default:
        return frame;
    }
    return { type: frame.type, bytes: message(frame.type, ...parts) };
  }

  private async applyListenOps(conn: Connection, ops: ListenOp[]): Promise<void> {
    let dropped = false;
    for (const op of ops) {
      const channels = op.kind === 'unlisten-all' ? [...conn.channels] : [op.channel];
      for (const channel of channels) {
        if (op.kind === 'listen') {
          conn.channels.add(channel);
          const listeners = this.subscribers.get(channel) ?? new Set<Connection>();
          this.subscribers.set(channel, listeners.add(conn));
        } else {
          conn.channels.delete(channel);
          this.subscribers.get(channel)?.delete(conn);
          if (this.subscribers.get(channel)?.size === 0) this.subscribers.delete(channel);
        }
      }
      dropped ||= op.kind !== 'listen';
    }
    // UNLISTEN ran on the one shared session, so it also silenced other connections' channels: restore them.
    if (!dropped || this.subscribers.size === 0) return;
    const relisten = [...this.subscribers.keys()]
      .map((channel) => `LISTEN ${quoteIdent(channel)}`)
      .join('; ');
    this.deliver(conn, await this.execute(simpleQuery(relisten)), false);
  }
}

const COPY_FROM_STDIN_UNSUPPORTED = 'COPY FROM STDIN is not supported by the embedded database';

function write(conn: Connection, bytes: Buffer): void {
  if (bytes.length > 0 && !conn.closed && conn.socket.writable) conn.socket.write(bytes);
}

/** Statement and portal names as the shared session sees them; kept short enough not to be truncated. */
function sessionName(conn: Connection, names: Map<string, string>, name: string): string {
  if (name === '') return '';
  let mapped = names.get(name);
  if (mapped === undefined) {
    mapped = `c${conn.id}/${name}`;
    if (Buffer.byteLength(mapped) >= NAMEDATALEN) mapped = `c${conn.id}/#${++conn.longNames}`;
    names.set(name, mapped);
  }
  return mapped;
}

function quoteIdent(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function raiseFeatureNotSupported(text: string): string {
  return `DO $pglite_wire$ BEGIN RAISE EXCEPTION '${text}' USING ERRCODE = 'feature_not_supported'; END $pglite_wire$`;
}

function copiesFromStdin(sql: string): boolean {
  return /COPY/i.test(sql) && sqlStatements(sql).some((s) => /^COPY\b[\s\S]*\bFROM\s+STDIN\b/i.test(s));
}

/** LISTEN, UNLISTEN and DISCARD ALL (which unlistens everything) in a simple query's text. */
function listenOpsOf(sql: string): ListenOp[] {
  if (!/LISTEN|DISCARD/i.test(sql)) return [];
  const ops: ListenOp[] = [];
  for (const statement of sqlStatements(sql)) {
    const match = /^(LISTEN|UNLISTEN)\s+("(?:[^"]|"")+"|[^\s"]+)$/i.exec(statement);
    if (match) {
      const [, verb, target] = match;
      if (target === '*') ops.push({ kind: 'unlisten-all' });
      else
        ops.push({
          kind: verb.toUpperCase() === 'LISTEN' ? 'listen' : 'unlisten',
          channel: identifier(target),
        });
    } else if (/^DISCARD\s+ALL$/i.test(statement)) {
      ops.push({ kind: 'unlisten-all' });
    }
  }
  return ops;
}

/** Postgres folds unquoted identifiers to lower case and keeps quoted ones verbatim. */
function identifier(token: string): string {
  return token.startsWith('"') ? token.slice(1, -1).replaceAll('""', '"') : token.toLowerCase();
}

/** Comments, string literals (plain, E'', dollar-quoted), quoted identifiers, words, semicolons, anything else. */
const SQL_LEXEME =
  /(?<comment>--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|(?<literal>[eE]'(?:[^'\\]|''|\\[\s\S])*'?|'(?:[^']|'')*'?|(?<tag>\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$)[\s\S]*?(?:\k<tag>|$))|(?<semicolon>;)|"(?:[^"]|"")*"?|[A-Za-z0-9_$]+|[\s\S]/gy;

/**
 * Splits SQL on top-level semicolons, trimmed, with comments removed and string literals emptied, so
 * keywords can be matched without being fooled by a literal. Quoted identifiers are kept.
 */
function sqlStatements(sql: string): string[] {
  const statements: string[] = [];
  let current = '';
  for (const lexeme of sql.matchAll(SQL_LEXEME)) {
    const { comment, literal, semicolon } = lexeme.groups ?? {};
    if (comment !== undefined) current += ' ';
    else if (literal !== undefined) current += "''";
    else if (semicolon === undefined) current += lexeme[0];
    else {
      statements.push(current.trim());
      current = '';
    }
  }
  statements.push(current.trim());
  return statements.filter((statement) => statement !== '');
}
