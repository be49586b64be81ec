import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Client, Pool, type Notification } from 'pg';

import { PgliteWireServer } from './pglite-wire-server';

const quietLogger = { log: (): void => undefined, warn: (): void => undefined };
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  timeoutMs = 3_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (accept(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

/** Settles within `ms`, or reports that it is still pending. */
async function settledWithin<T>(promise: Promise<T>, ms: number): Promise<'pending' | 'settled'> {
  return Promise.race([promise.then(() => 'settled' as const), sleep(ms).then(() => 'pending' as const)]);
}

describe('PgliteWireServer', () => {
  let server: PgliteWireServer;
  const clients: Client[] = [];

  async function newClient(): Promise<Client> {
    const client = new Client({ connectionString: server.connectionString() });
    client.on('error', () => undefined); // killed clients report their own socket errors
    await client.connect();
    clients.push(client);
    return client;
  }

  async function query<R extends object>(sql: string, values: unknown[] = []): Promise<R[]> {
    const client = await newClient();
    try {
      return (await client.query<R>(sql, values)).rows;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    server = await PgliteWireServer.start({ logger: quietLogger });
    RawConnection.password = decodeURIComponent(new URL(server.connectionString()).password);
  });

  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((client) => client.end()));
  });

  afterAll(async () => {
    await server?.close();
  });

  it('analyzes with a statistics target of 10 (an ANALYZE holds the one session every client waits for)', async () => {
    expect((await server.db.query('SHOW default_statistics_target')).rows).toEqual([
      { default_statistics_target: '10' },
    ]);
  });

  it('runs 800 concurrent transactions from 16 pooled clients without interleaving them', async () => {
    const admin = await newClient();
    await admin.query('CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)');
    await admin.query('CREATE TABLE counter_log (worker int NOT NULL, n int NOT NULL UNIQUE)');
    await admin.query('INSERT INTO counter VALUES (1, 0)');

    const workers = new Pool({ connectionString: server.connectionString(), max: 16 });
    const readers = new Pool({ connectionString: server.connectionString(), max: 4 });
    const errors: unknown[] = [];
    let done = false;

    const work = Array.from({ length: 16 }, async (_, worker) => {
      const client = await workers.connect();
      try {
        for (let i = 0; i < 50; i++) {
          await client.query('BEGIN');
          await client.query('SELECT n FROM counter WHERE id = 1 FOR UPDATE');
          const { rows } = await client.query<{ n: number }>(
            'UPDATE counter SET n = n + $1 WHERE id = $2 RETURNING n',
            [1, 1],
          );
          await client.query('INSERT INTO counter_log (worker, n) VALUES ($1, $2)', [worker, rows[0].n]);
          await client.query('COMMIT');
        }
      } catch (error) {
        errors.push(error);
        await client.query('ROLLBACK').catch(() => undefined);
      } finally {
        client.release();
      }
    });

    // Outside any transaction the counter and the log always agree; a reader that ran inside a
    // worker's transaction (between its UPDATE and INSERT) would see them differ.
    let inconsistentReads = 0;
    let reads = 0;
    const read = Array.from({ length: 4 }, async (_, reader) => {
      while (!done) {
        try {
          const simple = await readers.query<{ consistent: boolean }>(
            'SELECT (SELECT n FROM counter WHERE id = 1) = (SELECT count(*) FROM counter_log) AS consistent',
          );
          const extended = await readers.query<{ echo: string }>('SELECT $1::text AS echo', [
            `reader-${reader}`,
          ]);
          if (!simple.rows[0].consistent) inconsistentReads++;
          if (extended.rows[0].echo !== `reader-${reader}`) inconsistentReads++;
          reads++;
        } catch (error) {
          errors.push(error);
        }
      }
    });

    await Promise.all(work);
    done = true;
    await Promise.all(read);
    await Promise.all([workers.end(), readers.end()]);

    expect(errors).toEqual([]);
    expect(inconsistentReads).toBe(0);
    expect(reads).toBeGreaterThan(0);
    const [totals] = (
      await admin.query<{ n: number; logged: string; distinct_n: string; max_n: number }>(
        'SELECT (SELECT n FROM counter) AS n, count(*) AS logged, count(DISTINCT n) AS distinct_n, max(n) AS max_n FROM counter_log',
      )
    ).rows;
    expect(totals).toEqual({ n: 800, logged: '800', distinct_n: '800', max_n: 800 });
  });

  it('keeps a failed transaction owned until ROLLBACK, without letting other clients run inside it', async () => {
    const owner = await newClient();
    const other = await newClient();
    await owner.query('CREATE TABLE failed_tx (v text)');

    await owner.query('BEGIN');
    await owner.query("INSERT INTO failed_tx VALUES ('from failed transaction')");
    await expect(owner.query('SELECT 1 / 0')).rejects.toMatchObject({ code: '22012' });

    const otherInsert = other.query('INSERT INTO failed_tx VALUES ($1)', ['from other client']);
    expect(await settledWithin(otherInsert, 300)).toBe('pending');

    // Still the failed transaction: the other client's work has not been run in it or between.
    await expect(owner.query('SELECT 1')).rejects.toMatchObject({ code: '25P02' });
    expect(await settledWithin(otherInsert, 100)).toBe('pending');

    await owner.query('ROLLBACK');
    await expect(otherInsert).resolves.toMatchObject({ rowCount: 1 });
    const rows = await owner.query<{ v: string }>('SELECT v FROM failed_tx');
    expect(rows.rows).toEqual([{ v: 'from other client' }]);
  });

  it('rolls back the transaction of a client that dies and lets waiting clients proceed', async () => {
    const setup = await newClient();
    await setup.query('CREATE TABLE dead_owner (v text)');

    const doomed = await newClient();
    await doomed.query('BEGIN');
    await doomed.query('INSERT INTO dead_owner VALUES ($1)', ['never committed']);

    const waiter = await newClient();
    const waitingCount = waiter.query<{ count: string }>('SELECT count(*) FROM dead_owner');
    expect(await settledWithin(waitingCount, 200)).toBe('pending');

    const killedAt = Date.now();
    doomed.connection.stream.destroy();
    const { rows } = await waitingCount;
    expect(Date.now() - killedAt).toBeLessThan(1_000);
    expect(rows).toEqual([{ count: '0' }]);
    await expect(query('INSERT INTO dead_owner VALUES ($1) RETURNING v', ['after'])).resolves.toEqual([
      { v: 'after' },
    ]);
  });

  it('keeps named prepared statements of different connections apart and deallocates them on close', async () => {
    const first = await newClient();
    const second = await newClient();
    for (let round = 0; round < 3; round++) {
      const [a, b] = await Promise.all([
        first.query<{ v: number }>({ name: 'same_name', text: 'SELECT $1::int + 1 AS v', values: [round] }),
        second.query<{ v: string }>({
          name: 'same_name',
          text: "SELECT $1::text || '!' AS v",
          values: [`r${round}`],
        }),
      ]);
      expect(a.rows).toEqual([{ v: round + 1 }]);
      expect(b.rows).toEqual([{ v: `r${round}!` }]);
    }

    const inSession = (): Promise<{ name: string }[]> =>
      query<{ name: string }>(
        "SELECT name FROM pg_prepared_statements WHERE name LIKE '%same_name' ORDER BY name",
      );
    expect((await inSession()).length).toBe(2);

    await Promise.all([first.end(), second.end()]);
    expect(await eventually(inSession, (rows) => rows.length === 0)).toEqual([]);
  });

  it('delivers committed notifications, with payload, exactly once to each listening connection', async () => {
    const listener = await newClient();
    const secondListener = await newClient();
    const notifier = await newClient();
    const received: Record<'listener' | 'secondListener' | 'notifier', string[]> = {
      listener: [],
      secondListener: [],
      notifier: [],
    };
    const record = (who: keyof typeof received) => (n: Notification) =>
      received[who].push(`${n.channel}:${n.payload ?? ''}`);
    listener.on('notification', record('listener'));
    secondListener.on('notification', record('secondListener'));
    notifier.on('notification', record('notifier'));

    await listener.query('LISTEN "Order Events"');
    await secondListener.query('/* quoted */ LISTEN "Order Events"; LISTEN other_channel');

    await notifier.query(`NOTIFY "Order Events", 'one'`);
    await notifier.query('BEGIN');
    await notifier.query('SELECT pg_notify($1, $2)', ['Order Events', 'two']);
    await notifier.query('COMMIT');
    await notifier.query('BEGIN');
    await notifier.query(`SELECT pg_notify('Order Events', 'rolled back')`);
    await notifier.query('ROLLBACK');
    await notifier.query(`NOTIFY unwatched_channel, 'nobody'`);
    await notifier.query(`NOTIFY other_channel, 'three'`);

    // The second listener's UNLISTEN runs on the shared session: the first one must still hear the channel.
    await secondListener.query('UNLISTEN "Order Events"');
    await notifier.query(`NOTIFY "Order Events", 'four'`);
    await eventually(
      async () => received.listener.length,
      (n) => n >= 3,
    );
    await sleep(100);

    expect(received).toEqual({
      listener: ['Order Events:one', 'Order Events:two', 'Order Events:four'],
      secondListener: ['Order Events:one', 'Order Events:two', 'other_channel:three'],
      notifier: [],
    });
  });

  it('gives each connection the search_path it asked for at startup, as BullMQ pins its schema', async () => {
    await query('CREATE SCHEMA IF NOT EXISTS queue_schema');
    await query(`CREATE TABLE queue_schema.item (label text)`);
    await query(`CREATE TABLE public.item (label text)`);
    const pinned = new Pool({
      connectionString: server.connectionString(),
      options: '-c search_path="queue_schema"',
      max: 3,
    });
    const plain = new Pool({ connectionString: server.connectionString(), max: 3 });
    try {
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          i % 2 === 0
            ? pinned.query(`INSERT INTO item VALUES ('queue')`)
            : plain.query(`INSERT INTO item VALUES ('public')`),
        ),
      );
      const counts = await query<{ schema: string; count: number }>(
        `SELECT 'queue' AS schema, count(*)::int AS count FROM queue_schema.item WHERE label = 'queue'
         UNION ALL SELECT 'public', count(*)::int FROM public.item WHERE label = 'public'
         UNION ALL SELECT 'misplaced', (SELECT count(*)::int FROM queue_schema.item WHERE label <> 'queue')
                                     + (SELECT count(*)::int FROM public.item WHERE label <> 'public')`,
      );
      expect(counts).toEqual([
        { schema: 'queue', count: 15 },
        { schema: 'public', count: 15 },
        { schema: 'misplaced', count: 0 },
      ]);
    } finally {
      await Promise.all([pinned.end(), plain.end()]);
    }
  });

  it('disconnects a client idle inside a transaction, so waiting clients are not stalled forever', async () => {
    const strict = await PgliteWireServer.start({ logger: quietLogger, idleInTransactionTimeoutMs: 300 });
    const idle = new Client({ connectionString: strict.connectionString() });
    idle.on('error', () => undefined);
    const other = new Client({ connectionString: strict.connectionString() });
    try {
      await Promise.all([idle.connect(), other.connect()]);
      await idle.query('CREATE TABLE t (n int)');
      await idle.query('BEGIN');
      await idle.query('INSERT INTO t VALUES (1)');
      const started = Date.now();
      const { rows } = await other.query<{ count: number }>('SELECT count(*)::int AS count FROM t');
      expect(rows).toEqual([{ count: 0 }]); // the idle transaction was rolled back
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await expect(idle.query('COMMIT')).rejects.toThrow();
    } finally {
      await other.end();
      await idle.end().catch(() => undefined);
      await strict.close();
    }
  });

  it('asks every connection for its password (SCRAM-SHA-256): none or a wrong one is refused', async () => {
    const url = new URL(server.connectionString());
    expect(url.password.length).toBeGreaterThanOrEqual(24);
    const withPassword = (password: string | undefined) => {
      const client = new Client({ host: url.hostname, port: Number(url.port), user: 'postgres', password });
      client.on('error', () => undefined);
      return client;
    };
    await expect(withPassword(undefined).connect()).rejects.toThrow(/password/i);
    await expect(withPassword('').connect()).rejects.toThrow(/password/i);
    await expect(withPassword('not-the-password').connect()).rejects.toThrow(
      /password authentication failed for user "postgres"/,
    );
    const right = withPassword(decodeURIComponent(url.password));
    await right.connect();
    expect((await right.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    await right.end();
  });

  it('runs nothing for a client that skips authentication', async () => {
    const raw = await RawConnection.open(server.port, { authenticate: false });
    raw.socket.write(frame('Q', Buffer.from('CREATE TABLE unauthenticated (v int)\0')));
    await raw.closed;
    expect(raw.types()).toEqual(['R', 'E']); // AuthenticationSASL, then the FATAL refusal: no 'Z', no result
    expect(raw.lastError()).toMatch(/password authentication .* required/);
    expect(await query('SELECT count(*) FROM pg_tables WHERE tablename = $1', ['unauthenticated'])).toEqual([
      { count: '0' },
    ]);
  });

  it('uses the password it is given', async () => {
    const own = await PgliteWireServer.start({
      logger: quietLogger,
      password: 'given password/with:odd@chars',
    });
    try {
      const client = new Client({ connectionString: own.connectionString() });
      await client.connect();
      await client.end();
      const wrong = new Client({
        host: own.host,
        port: own.port,
        user: 'postgres',
        password: 'given password',
      });
      wrong.on('error', () => undefined);
      await expect(wrong.connect()).rejects.toThrow(/password authentication failed/);
    } finally {
      await own.close();
    }
  });

  it('refuses SSL with a clear error instead of hanging', async () => {
    const client = new Client({ connectionString: server.connectionString(), ssl: true });
    await expect(client.connect()).rejects.toThrow('The server does not support SSL connections');
  });

  it('frames split and joined TCP chunks, and closes a malformed connection without keeping the session', async () => {
    const raw = await RawConnection.open(server.port);
    const simpleQuery = (sql: string): Buffer => frame('Q', Buffer.from(`${sql}\0`));

    // One message written a byte at a time, then two messages in one write.
    for (const byte of simpleQuery('BEGIN')) raw.socket.write(Buffer.from([byte]));
    await raw.waitFor('Z');
    raw.socket.write(
      Buffer.concat([simpleQuery('SELECT 41 + 1'), simpleQuery('CREATE TABLE malformed_owner (v int)')]),
    );
    await raw.waitFor('Z', 3);
    expect(raw.readyStatuses()).toEqual(['T', 'T', 'T']);
    raw.socket.write(simpleQuery('INSERT INTO malformed_owner VALUES (1)'));
    await raw.waitFor('Z', 4);

    const waiting = query('SELECT count(*) FROM pg_tables WHERE tablename = $1', ['malformed_owner']);
    expect(await settledWithin(waiting, 200)).toBe('pending');

    raw.socket.write(Buffer.from([0x51, 0, 0, 0, 2])); // a Query whose length cannot hold its own header
    await raw.closed;
    expect(raw.types()).toContain('E');
    expect(raw.lastError()).toMatch(/invalid message length/);

    // The open transaction, table included, was rolled back and the session handed on.
    await expect(waiting).resolves.toEqual([{ count: '0' }]);
  });

  it('keeps data across close and restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'pglite-wire-'));
    try {
      const first = await PgliteWireServer.start({ dataDir: join(dataDir, 'db'), logger: quietLogger });
      // Created by initdb in a process of its own, opened here with the embedded default's settings.
      expect((await first.db.query('SHOW shared_buffers')).rows).toEqual([{ shared_buffers: '32MB' }]);
      expect((await first.db.query('SHOW default_statistics_target')).rows).toEqual([
        { default_statistics_target: '10' },
      ]);
      const writer = new Client({ connectionString: first.connectionString() });
      await writer.connect();
      await writer.query('CREATE TABLE survivors (v text)');
      await writer.query('INSERT INTO survivors VALUES ($1), ($2)', ['alpha', 'beta']);
      await writer.end();
      await first.close();

      const second = await PgliteWireServer.start({ dataDir: join(dataDir, 'db'), logger: quietLogger });
      try {
        const reader = new Client({ connectionString: second.connectionString() });
        await reader.connect();
        const { rows } = await reader.query<{ v: string }>('SELECT v FROM survivors ORDER BY v');
        await reader.end();
        expect(rows).toEqual([{ v: 'alpha' }, { v: 'beta' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

function frame(type: string, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** A hand-driven protocol client, for what node-postgres never sends. */
class RawConnection {
  private received = Buffer.alloc(0);
  private readonly messages: { type: string; body: Buffer }[] = [];
  private waiter: (() => void) | null = null;
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      while (this.received.length >= 5 && this.received.length >= 1 + this.received.readInt32BE(1)) {
        const end = 1 + this.received.readInt32BE(1);
        this.messages.push({
          type: String.fromCharCode(this.received[0]),
          body: this.received.subarray(5, end),
        });
        this.received = this.received.subarray(end);
      }
      this.waiter?.();
    });
    this.closed = new Promise((resolve) => socket.on('close', () => resolve()));
  }

  /** Connects and, unless told not to, authenticates with `password` (SCRAM-SHA-256, as node-postgres does). */
  static async open(
    port: number,
    options: { authenticate?: boolean; password?: string } = {},
  ): Promise<RawConnection> {
    const socket = connect(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const raw = new RawConnection(socket);
    const params = Buffer.from('user\0postgres\0database\0postgres\0\0');
    const startup = Buffer.alloc(8);
    startup.writeInt32BE(8 + params.length, 0);
    startup.writeInt32BE(196608, 4);
    socket.write(Buffer.concat([startup, params]));
    await raw.waitFor('R');
    if (options.authenticate === false) return raw;
    await raw.scram(options.password ?? RawConnection.password);
    await raw.waitFor('Z');
    raw.messages.length = 0;
    return raw;
  }

  /** The password of the server the raw connections of this file go to. */
  static password = '';

  private async scram(password: string): Promise<void> {
    const clientNonce = randomBytes(18).toString('base64');
    const clientFirstBare = `n=*,r=${clientNonce}`;
    const initial = Buffer.from(`n,,${clientFirstBare}`);
    const length = Buffer.alloc(4);
    length.writeInt32BE(initial.length);
    this.socket.write(frame('p', Buffer.concat([Buffer.from('SCRAM-SHA-256\0'), length, initial])));
    await this.waitFor('R', 2);
    const serverFirst = this.messages[1].body.subarray(4).toString();
    const attrs = Object.fromEntries(serverFirst.split(',').map((kv) => [kv[0], kv.slice(2)]));
    const salted = pbkdf2Sync(password, Buffer.from(attrs.s, 'base64'), Number(attrs.i), 32, 'sha256');
    const clientKey = createHmac('sha256', salted).update('Client Key').digest();
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${attrs.r}`;
    const authMessage = `${clientFirstBare},${serverFirst},${withoutProof}`;
    const signature = createHmac('sha256', storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((byte, i) => byte ^ signature[i])).toString('base64');
    this.socket.write(frame('p', Buffer.from(`${withoutProof},p=${proof}`)));
  }

  async waitFor(type: string, count = 1): Promise<void> {
    while (this.messages.filter((m) => m.type === type).length < count) {
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
  }

  types(): string[] {
    return this.messages.map((m) => m.type);
  }

  readyStatuses(): string[] {
    return this.messages.filter((m) => m.type === 'Z').map((m) => String.fromCharCode(m.body[0]));
  }

  lastError(): string {
    const error = this.messages.filter((m) => m.type === 'E').at(-1);
    const field = error?.body
      .toString('utf8')
      .split('\0')
      .find((f) => f.startsWith('M'));
    return field?.slice(1) ?? '';
  }
}
