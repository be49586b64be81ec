/**
 * The event catalogue (docs/architecture.md, "Events and the outbox"): every domain event's name and the type of
 * its payload, as immich's `EventMap`. It is empty here and filled by the contexts: each context's
 * `domain/events` declares its own map and merges it in —
 *
 * ```ts
 * export interface TransferEvents { FundsTransferred: FundsTransferredPayload; … }
 * export const transferEvents = defineEvents<TransferEvents>('transfers', { FundsTransferred: { version: 1 }, … });
 * declare module '#monay/shared' {
 *   interface DomainEvents extends TransferEvents {}
 *   interface MoneyMovementEvents extends Pick<TransferEvents, 'FundsTransferred' | …> {}
 * }
 * ```
 *
 * so that `OutboxWriter.append`, the relay's consumers and the realtime publisher take keys of the catalogue and
 * receive the matching payload, while libs/shared still imports no context.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface DomainEvents {}

/**
 * The events of money movements (requested, completed, failed, refused): each one reaches the user's history, the
 * portfolio and the socket. The consumers that must handle every one of them (insights' `historyOf`) list them in a
 * `Record<MoneyMovementEventName, …>` and switch exhaustively, so a new kind does not compile until they do.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface MoneyMovementEvents {}

export type DomainEventName = keyof DomainEvents & string;
export type MoneyMovementEventName = keyof MoneyMovementEvents & DomainEventName;

/** A payload as the journal keeps it: JSON, amounts as decimal strings. */
export type EventPayload = Record<string, unknown>;

/**
 * How a context's event is kept in the journal. `version` is the version producers write now; a payload change is a
 * new version, and `upcast[v]` turns a stored version-`v` payload into version `v + 1`, so old rows still replay
 * (`npm run projections:rebuild`) as the current type.
 */
export interface EventSchema {
  version: number;
  upcast?: Readonly<Record<number, (payload: EventPayload) => EventPayload>>;
}

export type EventSchemas<M> = { readonly [K in keyof M]: EventSchema };

interface RegisteredSchema extends EventSchema {
  context: string;
}

const registry = new Map<string, RegisteredSchema>();

/**
 * Declares a context's events to the journal: every name of its map, with its current version (the mapped type
 * makes the list complete). Called once at module load by the context's `domain/events`, which its `index.ts`
 * re-exports, so any process that loads the context knows its events.
 */
export function defineEvents<M>(context: string, schemas: EventSchemas<M>): EventSchemas<M> {
  for (const [name, schema] of Object.entries(schemas) as Array<[string, EventSchema]>) {
    const existing = registry.get(name);
    if (existing && existing.context !== context) {
      throw new Error(`Event ${name} is declared by both ${existing.context} and ${context}`);
    }
    registry.set(name, { ...schema, context });
  }
  return schemas;
}

/** The version producers write now for `type`. */
export function currentVersionOf(type: string): number {
  const schema = registry.get(type);
  if (!schema) {
    throw new Error(`Event ${type} is not in the catalogue: its context's domain/events must declare it`);
  }
  return schema.version;
}

/**
 * A stored payload brought up to the current version of its event. An unknown type (written by a context this
 * process does not load) or a version without an upcaster is an error: a rebuild must not silently drop history.
 */
export function upcastPayload(type: string, version: number, payload: EventPayload): EventPayload {
  const schema = registry.get(type);
  if (!schema) throw new Error(`Event ${type} is not in the catalogue`);
  let current = payload;
  for (let v = version; v < schema.version; v += 1) {
    const step = schema.upcast?.[v];
    if (!step) throw new Error(`Event ${type}: no upcaster from version ${v} to ${v + 1}`);
    current = step(current);
  }
  if (version > schema.version) {
    throw new Error(`Event ${type} version ${version} is newer than this build's ${schema.version}`);
  }
  return current;
}

/** Whether this process knows `type` (every context it loads has declared its events). */
export function isCatalogued(type: string): boolean {
  return registry.has(type);
}
