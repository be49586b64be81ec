// SCRAM-SHA-256 password authentication, server side (RFC 5802 / RFC 7677), as PostgreSQL does it: the
// password never crosses the wire, and a client proves it knows it. Channel binding is not offered (the server
// refuses SSL), so the GS2 header is "n,,". https://www.postgresql.org/docs/current/sasl-authentication.html

import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
const ITERATIONS = 4096;
/** base64("n,,"): the channel-binding attribute of a client that neither uses nor could use binding. */
const NO_BINDING = Buffer.from('n,,').toString('base64');

const hmac = (key: Buffer, text: string): Buffer => createHmac('sha256', key).update(text).digest();
const sha256 = (data: Buffer): Buffer => createHash('sha256').update(data).digest();

/** The first exchange's state of one connection. */
export interface ScramExchange {
  clientFirstBare: string;
  serverFirst: string;
  nonce: string;
}

/** What the server keeps of the password: a salt, and keys derived from it (never the password itself). */
export class ScramVerifier {
  private constructor(
    private readonly salt: Buffer,
    private readonly storedKey: Buffer,
    private readonly serverKey: Buffer,
  ) {}

  static fromPassword(password: string): ScramVerifier {
    const salt = randomBytes(16);
    // PostgreSQL runs SASLprep on the password; ours is generated ASCII, for which it changes nothing.
    const salted = pbkdf2Sync(password, salt, ITERATIONS, 32, 'sha256');
    return new ScramVerifier(salt, sha256(hmac(salted, 'Client Key')), hmac(salted, 'Server Key'));
  }

  /** The answer to a client-first-message ("n,,n=…,r=<nonce>"), or null if it is not one we accept. */
  begin(clientFirst: string): { exchange: ScramExchange; serverFirst: string } | null {
    if (!clientFirst.startsWith('n,,')) return null; // channel binding ("p=") or "y,," is not offered
    const clientFirstBare = clientFirst.slice(3);
    const clientNonce = attribute(clientFirstBare, 'r');
    if (!clientNonce || !/^[\x21-\x2b\x2d-\x7e]+$/.test(clientNonce)) return null;
    const nonce = clientNonce + randomBytes(18).toString('base64');
    const serverFirst = `r=${nonce},s=${this.salt.toString('base64')},i=${ITERATIONS}`;
    return { exchange: { clientFirstBare, serverFirst, nonce }, serverFirst };
  }

  /** The server-final-message ("v=<signature>") if the client's proof is right, else null. */
  finish(exchange: ScramExchange, clientFinal: string): string | null {
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) return null;
    const withoutProof = clientFinal.slice(0, proofAt);
    if (attribute(withoutProof, 'c') !== NO_BINDING || attribute(withoutProof, 'r') !== exchange.nonce)
      return null;
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    if (proof.length !== this.storedKey.length) return null;
    const authMessage = `${exchange.clientFirstBare},${exchange.serverFirst},${withoutProof}`;
    const signature = hmac(this.storedKey, authMessage);
    const clientKey = Buffer.from(proof.map((byte, i) => byte ^ signature[i]));
    if (!timingSafeEqual(sha256(clientKey), this.storedKey)) return null;
    return `v=${hmac(this.serverKey, authMessage).toString('base64')}`;
  }
}

function attribute(message: string, name: string): string | undefined {
  return message
    .split(',')
    .find((part) => part.startsWith(`${name}=`))
    ?.slice(name.length + 1);
}
