const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The `nextCursor` of a list ordered by (created_at, id) descending: opaque to clients (base64url). */
export function encodePageCursor(createdAt: Date, id: string): string {
  return Buffer.from(`${createdAt.toISOString()}|${id}`).toString('base64url');
}

/**
 * The position a {@link encodePageCursor} cursor names. A cursor that does not decode (not ours, or an id that is
 * not a UUID) is the end of the list, never an error deep in SQL.
 */
export function decodePageCursor(cursor: string): { createdAt: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(time ?? '');
  return id && UUID.test(id) && !Number.isNaN(createdAt.getTime())
    ? { createdAt, id }
    : { createdAt: new Date(0), id: '00000000-0000-0000-0000-000000000000' };
}
