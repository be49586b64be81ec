import { createHash } from 'node:crypto';
import { Client } from 'pg';

/**
 * Which SQL texts run as named (prepared) statements. A text is named the second time this process sends it
 * with parameters; from then on every pooled connection parses it once and afterwards only binds and executes
 * it, and PostgreSQL may keep its plan. A P2P transfer's statements are large CTEs: parsing and planning them
 * cost about as much PostgreSQL CPU as running them (docs/scaling.md).
 *
 * A name is the hash of the text, so two texts never share one. Texts seen once (dynamic SQL) stay unnamed,
 * at most `limit` texts are ever named, which bounds what each connection keeps prepared on the server, and texts
 * longer than `maxLength` (a batch's multi-row INSERT) are never remembered or named: their parse is a small part of
 * their cost, and a prepared copy of each would stay with every connection.
 */
export class StatementNames {
  private readonly names = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(
    private readonly limit = 400,
    private readonly seenLimit = 10_000,
    private readonly maxLength = 16_384,
  ) {}

  /** The statement name for this text, or undefined while it should run unnamed. */
  nameFor(text: string): string | undefined {
    if (text.length > this.maxLength) return undefined;
    const name = this.names.get(text);
    if (name !== undefined || this.names.size >= this.limit) return name;
    if (!this.seen.has(text)) {
      if (this.seen.size >= this.seenLimit) this.seen.clear();
      this.seen.add(text);
      return undefined;
    }
    this.seen.delete(text);
    const named = `monay_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    this.names.set(text, named);
    return named;
  }

  get size(): number {
    return this.names.size;
  }
}

const processStatementNames = new StatementNames();

/**
 * node-postgres' client with the process's repeated parameterized statements named (see `StatementNames`). The pool
 * builds its connections from it (`extra.Client`); TypeORM and every repository keep calling `query(text, values)`.
 */
export class PreparingClient extends Client {
  // node-postgres' overloads (config object, callback, submittable) pass through unchanged.
  override query(...args: unknown[]): never {
    const [text, values, callback] = args;
    if (typeof text === 'string' && Array.isArray(values) && values.length > 0 && callback === undefined) {
      const name = processStatementNames.nameFor(text);
      if (name !== undefined) args = [{ name, text }, values];
    }
    return (Client.prototype.query as (...a: unknown[]) => never).apply(this, args);
  }
}
