import { signPersona, verifyPersona } from './persona-signature';

describe('Persona webhook signatures', () => {
  const body = '{"data":{"id":"evt_1"}}';
  const now = 1_800_000_000;

  it('accepts the exact body signed with a known secret within five minutes', () => {
    const header = signPersona(['secret-one'], body, now - 299);
    expect(verifyPersona(['secret-one'], body, header, now)).toBe(true);
    expect(verifyPersona(['secret-one'], `${body} `, header, now)).toBe(false);
    expect(verifyPersona(['another'], body, header, now)).toBe(false);
  });

  it('refuses a stale or future timestamp, and malformed headers', () => {
    expect(verifyPersona(['s'], body, signPersona(['s'], body, now - 301), now)).toBe(false);
    expect(verifyPersona(['s'], body, signPersona(['s'], body, now + 301), now)).toBe(false);
    for (const header of [undefined, '', 't=1', 'v1=ab', 't=x,v1=00', `t=${now},v1=zz`, `t=${now},v2=00`]) {
      expect(verifyPersona(['s'], body, header, now)).toBe(false);
    }
  });

  it('takes two pairs while a secret rotates: either secret on our side matches', () => {
    const header = signPersona(['new-secret', 'old-secret'], body, now);
    expect(header.split(' ')).toHaveLength(2);
    expect(verifyPersona(['old-secret'], body, header, now)).toBe(true);
    expect(verifyPersona(['new-secret'], body, header, now)).toBe(true);
    expect(verifyPersona(['other', 'new-secret'], body, signPersona(['new-secret'], body, now), now)).toBe(
      true,
    );
  });
});
