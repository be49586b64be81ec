import { randomFillSync } from 'node:crypto';

/**
 * A new row id: a UUID version 7 (RFC 9562), the milliseconds since the epoch in its first 48 bits, then a 12-bit
 * counter and 62 random bits.
 *
 * Ids made later sort later, so the rows a process inserts land at the right-hand edge of their primary key and of
 * every index on them (the ledger's transaction ids and the entries' `transaction_id`, transfers, the outbox). With
 * random (version 4) ids each insert touches a page anywhere in those indexes, and once they outgrow shared
 * buffers every transfer reads and writes back pages from disk: the ledger's cost grew with its size.
 *
 * Monotonic within a process (RFC 9562, method 1): ids made in the same millisecond count up from a random start
 * below 2,048; past 4,095 the timestamp moves on by one millisecond. Still unguessable enough for an id (at least
 * 62 random bits), never a secret: tokens come from randomBytes.
 */
export function newId(now: number = Date.now()): string {
  if (now > lastMs) {
    lastMs = now;
    counter = nextRandomByte() | ((nextRandomByte() & 0x07) << 8);
  } else if (++counter > 0xfff) {
    lastMs += 1;
    counter = 0;
  }
  const ms = lastMs;
  const high = Math.floor(ms / 0x1000000); // the first 24 bits of 48
  const low = ms % 0x1000000;
  return (
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    HEX[(low >>> 16) & 0xff] +
    '-' +
    HEX[(low >>> 8) & 0xff] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (counter >>> 8)] +
    HEX[counter & 0xff] +
    '-' +
    HEX[0x80 | (nextRandomByte() & 0x3f)] +
    HEX[nextRandomByte()] +
    '-' +
    HEX[nextRandomByte()] +
    HEX[nextRandomByte()] +
    HEX[nextRandomByte()] +
    HEX[nextRandomByte()] +
    HEX[nextRandomByte()] +
    HEX[nextRandomByte()]
  );
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

let lastMs = -1;
let counter = 0;

/** Random bytes drawn 4 KiB at a time: one system call per ~500 ids instead of one per id. */
const pool = Buffer.alloc(4096);
let used = pool.length;

function nextRandomByte(): number {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  return pool[used++];
}
