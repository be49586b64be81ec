import { newReferralCode, normaliseReferralCode } from './referral-code';
import { selfReferralReason } from './referral-guards';

describe('referral codes and self-referral guards', () => {
  it('makes codes of unambiguous characters and reads them back however they are typed', () => {
    const codes = new Set(Array.from({ length: 200 }, () => newReferralCode()));
    expect(codes.size).toBe(200);
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{8}$/);
    expect(normaliseReferralCode('k7qm-2xpa')).toBe('K7QM2XPA');
    expect(normaliseReferralCode(' K7QM 2XPA ')).toBe('K7QM2XPA');
    expect(normaliseReferralCode('K7QM2XP0')).toBeNull(); // 0 is never in a code
    expect(normaliseReferralCode('SHORT')).toBeNull();
  });

  const party = (email: string, ip: string | null = null, device: string | null = null) => ({
    email,
    ip,
    device,
  });

  it('rejects the same mailbox pattern at the same domain, the same device, the same address', () => {
    expect(selfReferralReason(party('ann.lee@acme.com'), party('annlee+2@acme.com'))).toBe(
      'self_referral_email',
    );
    expect(selfReferralReason(party('ann@acme.com'), party('ann7@acme.com'))).toBe('self_referral_email');
    expect(selfReferralReason(party('ann@acme.com'), party('ann@other.com'))).toBeNull();
    expect(selfReferralReason(party('ann@acme.com'), party('bob@acme.com'))).toBeNull();
    expect(selfReferralReason(party('a@x.com', '1.1.1.1', 'd1'), party('b@y.com', '2.2.2.2', 'd1'))).toBe(
      'self_referral_device',
    );
    expect(selfReferralReason(party('a@x.com', '1.1.1.1', 'd1'), party('b@y.com', '1.1.1.1', 'd2'))).toBe(
      'self_referral_ip',
    );
    expect(selfReferralReason(party('a@x.com', null, null), party('b@y.com', '1.1.1.1', null))).toBeNull();
  });
});
