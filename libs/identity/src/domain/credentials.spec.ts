import { assertPasswordPolicy, normalizeEmail, normalizePhone } from './credentials';
import { WeakPasswordError } from './identity.errors';

describe('credentials', () => {
  it('normalises emails by trimming and lower-casing', () => {
    expect(normalizeEmail('  Alice@Example.COM ')).toBe('alice@example.com');
  });

  it('normalises phone numbers to E.164', () => {
    expect(normalizePhone('+1 (415) 555-0100')).toBe('+14155550100');
    expect(normalizePhone('44 20 7946 0000')).toBe('+442079460000');
  });

  it.each([
    ['short', 'a1b2c3d4e'],
    ['repetitive', 'aaaaaaaaaaaa'],
    ['same as the email', 'bob@example.com'],
  ])('refuses a %s password', (_why, password) => {
    expect(() => assertPasswordPolicy(password, 'bob@example.com')).toThrow(WeakPasswordError);
  });

  it('accepts a ten-character password with variety', () => {
    expect(() => assertPasswordPolicy('correct-horse', 'bob@example.com')).not.toThrow();
  });
});
