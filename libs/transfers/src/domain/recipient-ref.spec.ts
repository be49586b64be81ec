import { classifyRecipient, maskRecipient } from './recipient-ref';

describe('classifyRecipient', () => {
  const address = '0x' + 'aB'.repeat(20);

  it('takes 0x and 40 hex digits, any case, as an external address, in lower case', () => {
    expect(classifyRecipient(address)).toEqual({ kind: 'external', value: address.toLowerCase() });
    expect(classifyRecipient(`  ${address.toUpperCase().replace('0X', '0x')} `)).toEqual({
      kind: 'external',
      value: address.toLowerCase(),
    });
    expect(classifyRecipient('0X' + 'ab'.repeat(20))).toEqual({
      kind: 'external',
      value: '0x' + 'ab'.repeat(20),
    });
  });

  it.each([
    ['too short', '0x1234'],
    ['too long', '0x' + 'a'.repeat(41)],
    ['not hex', '0x' + 'g'.repeat(40)],
    ['bare prefix', '0x'],
    ['inner space', '0x' + 'a'.repeat(20) + ' ' + 'a'.repeat(19)],
  ])('takes a 0x value that is not an address (%s) as malformed', (_, value) => {
    expect(classifyRecipient(value).kind).toBe('invalid_address');
  });

  it('keeps Monay recipients as they were', () => {
    expect(classifyRecipient('0xbob@example.com')).toEqual({ kind: 'email', value: '0xbob@example.com' });
    expect(classifyRecipient('monay:0xabc').kind).toBe('address');
    expect(classifyRecipient('+1 555 0100 200').kind).toBe('phone');
    expect(classifyRecipient('2f1c7a9e-4b7d-4c1e-9a55-0b9f2c1d3e4f').kind).toBe('userId');
  });
});

describe('maskRecipient', () => {
  it.each([
    ['dana.p@example.com', 'd***@e***.com'],
    ['  Dana.P@Example.COM ', 'd***@e***.com'],
    ['x@mail.example.co.uk', 'x***@m***.uk'],
    ['+1 (555) 123-4567', '+1 *** *** 4567'],
    ['+44 7911 123456', '+44 *** *** 3456'],
    ['555 123 4567', '*** *** 4567'],
    ['0b6c1f8e-2d3a-4c5b-9e7f-1a2b3c4dd4f2', 'user ****d4f2'],
    ['monay:8f3kq2x9', 'monay:****q2x9'],
    ['hello', '***'],
  ])('shows %s as %s', (typed, shown) => {
    expect(maskRecipient(typed)).toBe(shown);
  });

  it('never contains the local part of an email beyond its first character', () => {
    expect(maskRecipient('secret.name@example.com')).not.toContain('secret');
  });
});
