// The few pieces of the PostgreSQL frontend/backend protocol (v3) that PgliteWireServer needs:
// framing of the incoming byte stream, reading message fields, and building the messages the server
// answers itself. https://www.postgresql.org/docs/current/protocol-message-formats.html

export const PROTOCOL_VERSION_3 = 196608;
export const SSL_REQUEST_CODE = 80877103;
export const GSSENC_REQUEST_CODE = 80877104;
export const CANCEL_REQUEST_CODE = 80877102;

/** Real PostgreSQL refuses startup packets above this size (MAX_STARTUP_PACKET_LENGTH). */
const MAX_STARTUP_LENGTH = 10_000;
/** Larger than any query or bind a client of this service sends; keeps a garbage length from buffering forever. */
const MAX_MESSAGE_LENGTH = 256 * 1024 * 1024;

export type TransactionStatus = 'I' | 'T' | 'E';

/** The client broke the protocol; the connection is closed with this message as a FATAL error. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

export interface Frame {
  /** Message type byte as a character ('Q', 'P', ...). */
  readonly type: string;
  /** The complete message, type byte and length included, ready to forward. */
  readonly bytes: Buffer;
}

/** Cuts a TCP byte stream into protocol messages; TCP chunks may split or join them. */
export class FrameReader {
  private chunks: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
  }

  /** The untyped packet that opens a connection (startup, SSL, GSSENC or cancel request), or null if incomplete. */
  nextStartupPacket(): Buffer | null {
    const head = this.contiguous(4);
    if (!head) return null;
    const length = head.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_LENGTH)
      throw new ProtocolError(`invalid startup packet length ${length}`);
    return this.take(length);
  }

  /** The next typed message, or null if incomplete. */
  nextFrame(): Frame | null {
    const head = this.contiguous(5);
    if (!head) return null;
    const length = head.readInt32BE(1);
    if (length < 4 || length > MAX_MESSAGE_LENGTH)
      throw new ProtocolError(`invalid message length ${length}`);
    const bytes = this.take(length + 1);
    return bytes && { type: String.fromCharCode(bytes[0]), bytes };
  }

  /** Joins chunks only once enough bytes have arrived, so a large message is copied once, not per chunk. */
  private contiguous(length: number): Buffer | null {
    if (this.size < length) return null;
    if (this.chunks[0].length < length) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0];
  }

  private take(length: number): Buffer | null {
    const buffer = this.contiguous(length);
    if (!buffer) return null;
    const taken = buffer.subarray(0, length);
    this.size -= length;
    if (buffer.length === length) this.chunks.shift();
    else this.chunks[0] = buffer.subarray(length);
    return taken;
  }
}

/** Sequential reader over a message body; malformed content becomes a ProtocolError. */
export class FieldReader {
  private offset: number;

  constructor(
    private readonly body: Buffer,
    offset = 0,
  ) {
    this.offset = offset;
  }

  get remaining(): Buffer {
    return this.body.subarray(this.offset);
  }

  byte(): string {
    this.need(1);
    return String.fromCharCode(this.body[this.offset++]);
  }

  int32(): number {
    this.need(4);
    const value = this.body.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  cstring(): string {
    const end = this.body.indexOf(0, this.offset);
    if (end < 0) throw new ProtocolError('invalid string in message');
    const value = this.body.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  private need(bytes: number): void {
    if (this.offset + bytes > this.body.length) throw new ProtocolError('insufficient data left in message');
  }
}

/** Iterates over complete backend messages in PGlite's output. */
export function* backendFrames(output: Buffer): Generator<{ type: string; start: number; end: number }> {
  let offset = 0;
  while (offset + 5 <= output.length) {
    const end = offset + 1 + output.readInt32BE(offset + 1);
    yield { type: String.fromCharCode(output[offset]), start: offset, end };
    offset = end;
  }
}

export function message(type: string, ...parts: (Buffer | string | number)[]): Buffer {
  const body = Buffer.concat(parts.map(encodeField));
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

/** Strings are NUL-terminated, numbers are int32: the only two field encodings the server writes. */
function encodeField(part: Buffer | string | number): Buffer {
  if (Buffer.isBuffer(part)) return part;
  if (typeof part === 'string') return Buffer.from(`${part}\0`, 'utf8');
  const int = Buffer.alloc(4);
  int.writeInt32BE(part);
  return int;
}

export const authenticationOk = (): Buffer => message('R', 0);
/** AuthenticationSASL: the mechanisms offered, each NUL-terminated, then an empty name. */
export const authenticationSasl = (...mechanisms: string[]): Buffer =>
  message('R', 10, ...mechanisms, Buffer.alloc(1));
export const authenticationSaslContinue = (data: string): Buffer => message('R', 11, Buffer.from(data));
export const authenticationSaslFinal = (data: string): Buffer => message('R', 12, Buffer.from(data));
export const parameterStatus = (name: string, value: string): Buffer => message('S', name, value);
export const backendKeyData = (pid: number, secret: number): Buffer => message('K', pid, secret);
export const readyForQuery = (status: TransactionStatus): Buffer =>
  message('Z', Buffer.from(status, 'latin1'));
export const notificationResponse = (pid: number, channel: string, payload: string): Buffer =>
  message('A', pid, channel, payload);

export function negotiateProtocolVersion(newestMinor: number, unsupportedOptions: string[]): Buffer {
  return message('v', newestMinor, unsupportedOptions.length, ...unsupportedOptions);
}

export function errorResponse(severity: 'ERROR' | 'FATAL', code: string, text: string): Buffer {
  const field = (tag: string, value: string): Buffer => Buffer.concat([Buffer.from(tag), encodeField(value)]);
  return message(
    'E',
    field('S', severity),
    field('V', severity),
    field('C', code),
    field('M', text),
    Buffer.alloc(1),
  );
}

export const simpleQuery = (sql: string): Buffer => message('Q', sql);
export const sync = (): Buffer => message('S');
export const closeStatement = (name: string): Buffer => message('C', Buffer.from('S'), name);
