import { normalizeBookEmail, toE164 } from './address-book';

describe('address book normalisation', () => {
  it('writes phone numbers in E.164, reading national numbers with the book’s country', () => {
    expect(toE164('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(toE164('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(toE164('020 7946 0958', 'GB')).toBe('+442079460958');
    expect(toE164('12', 'US')).toBeNull();
    expect(toE164('not a number', 'US')).toBeNull();
  });

  it('lower-cases emails and refuses what is not one', () => {
    expect(normalizeBookEmail('  Dana@Example.COM ')).toBe('dana@example.com');
    expect(normalizeBookEmail('dana')).toBeNull();
  });
});
