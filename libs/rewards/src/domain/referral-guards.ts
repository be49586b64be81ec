/**
 * Self-referral guards, checked when a code is claimed: the same person behind both accounts earns nothing. Each
 * rule is a reason a referral is rejected and flagged for an operator.
 */
export interface ReferralParty {
  email: string;
  /** The address and device (X-Device-Id, else the user agent) seen when the code was shown or claimed. */
  ip: string | null;
  device: string | null;
}

/** The mailbox without what people vary to open a second account at the same domain: a +tag, dots, trailing digits. */
function mailboxStem(email: string): { stem: string; domain: string } {
  const [local = '', domain = ''] = email.toLowerCase().split('@');
  const stem = local.split('+')[0].replace(/\./g, '').replace(/\d+$/, '');
  return { stem, domain };
}

export type SelfReferralReason = 'self_referral_email' | 'self_referral_ip' | 'self_referral_device';

export function selfReferralReason(
  referrer: ReferralParty,
  referred: ReferralParty,
): SelfReferralReason | null {
  const a = mailboxStem(referrer.email);
  const b = mailboxStem(referred.email);
  if (a.stem !== '' && a.stem === b.stem && a.domain === b.domain) {
    return 'self_referral_email';
  }
  if (referrer.device !== null && referrer.device === referred.device) return 'self_referral_device';
  if (referrer.ip !== null && referrer.ip === referred.ip) return 'self_referral_ip';
  return null;
}
