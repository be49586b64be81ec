import { E164, smsSegments } from './sms';

describe('SMS segments', () => {
  it.each([
    ['', 'GSM-7', 1],
    ['a'.repeat(160), 'GSM-7', 1],
    ['a'.repeat(161), 'GSM-7', 2],
    ['a'.repeat(306), 'GSM-7', 2],
    ['a'.repeat(307), 'GSM-7', 3],
    // The extension table's characters take two septets.
    ['€'.repeat(80), 'GSM-7', 1],
    ['€'.repeat(81), 'GSM-7', 2],
    // One character outside GSM-7 makes the whole text UCS-2.
    ['ü'.repeat(160), 'GSM-7', 1],
    ['ł' + 'a'.repeat(69), 'UCS-2', 1],
    ['ł' + 'a'.repeat(70), 'UCS-2', 2],
    ['“quoted”' + 'a'.repeat(126), 'UCS-2', 2],
    ['“quoted”' + 'a'.repeat(127), 'UCS-2', 3],
  ])('%j is %s in %d part(s)', (text, encoding, segments) => {
    expect(smsSegments(text)).toEqual({ encoding, segments });
  });

  it('an emoji counts two UTF-16 units', () => {
    expect(smsSegments('😀'.repeat(35))).toEqual({ encoding: 'UCS-2', segments: 1 });
    expect(smsSegments('😀'.repeat(36))).toEqual({ encoding: 'UCS-2', segments: 2 });
  });

  it('E.164: a plus, no leading zero, at most 15 digits', () => {
    for (const good of ['+14155550100', '+447911123456', '+15005550009']) expect(E164.test(good)).toBe(true);
    for (const bad of ['14155550100', '+04155550100', '+1415555010012345', '+1 415 555 0100', '+12']) {
      expect(E164.test(bad)).toBe(false);
    }
  });
});
