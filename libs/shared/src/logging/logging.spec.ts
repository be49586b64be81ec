import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED_PATHS } from './logging';

describe('log redaction', () => {
  it('blanks passwords, tokens, card data and the Authorization header wherever they appear', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, sink);
    logger.info({
      req: { headers: { authorization: 'Bearer eyJhbGciOi.secret', 'user-agent': 'jest' } },
      body: { email: 'a@example.com', password: 'hunter2-hunter2', refreshToken: 'r-secret' },
      card: { cardNumber: '4111111111111111', cvv: '123' },
    });
    const entry = lines.join('');
    expect(entry).not.toMatch(/hunter2|eyJhbGciOi|r-secret|4111111111111111|"123"/);
    expect(entry).toContain('a@example.com');
    expect(entry).toContain('jest');
    expect(JSON.parse(entry).body.password).toBe('[redacted]');
  });
});
