import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { BankLinkCredentialsInvalidError, InstitutionNotFoundError } from '../../domain/banking.errors';
import { phoneScore, similarity, type IdentityScores } from '../../domain/identity-match';
import type { AccountLinkVendor, Institution, LinkableAccount } from '../account-link.port';

const INSTITUTIONS: Array<Institution & { routingNumber: string }> = [
  { id: 'ins_1', name: 'Gingham Bank', routingNumber: '011401533' },
  { id: 'ins_2', name: 'Tartan Credit Union', routingNumber: '021000021' },
  { id: 'ins_3', name: 'Houndstooth Savings', routingNumber: '011000015' },
];

/** The holder a `user_mismatch` login shows: Plaid sandbox's own test identity. */
const SANDBOX_HOLDER = {
  legalName: 'Alberta Bobbeth Charleson',
  email: 'accountholder0@example.com',
  phone: '+11111111111',
};

/**
 * Plaid-shaped instant verification in the sandbox (Plaid's sandbox credentials): password `pass_good`, and the
 * username says whose accounts they are —
 * - `user_good`: the account holder is the user who links (every field the user has matches);
 * - `user_partial`: the email matches, the phone does not (held for review);
 * - `user_mismatch`: Plaid's test holder, Alberta Charleson (refused).
 * A username may end `:<holder name>` to name the account holder at the bank (`user_good:R01-late`), which is the
 * name the rail vendor's sandbox reads to simulate returns. Stateless: the item id carries the login.
 */
@Injectable()
export class PlaidSandbox implements AccountLinkVendor {
  institutions(): Institution[] {
    return INSTITUTIONS.map(({ id, name }) => ({ id, name }));
  }

  async exchange(institutionId: string, username: string, password: string) {
    const institution = INSTITUTIONS.find((candidate) => candidate.id === institutionId);
    if (!institution) throw new InstitutionNotFoundError();
    const [login, holder] = username.split(':', 2);
    if (password !== 'pass_good' || !['user_good', 'user_partial', 'user_mismatch'].includes(login)) {
      throw new BankLinkCredentialsInvalidError();
    }
    const itemId = `item-sandbox-${institution.id}-${Buffer.from(username).toString('base64url')}`;
    const number = (kind: string) => {
      const digest = createHash('sha256').update(`${institution.id}:${username}:${kind}`).digest();
      return (digest.readBigUInt64BE(0) % 10_000_000_000n).toString().padStart(10, '1');
    };
    const holderName =
      holder?.trim() || (login === 'user_mismatch' ? SANDBOX_HOLDER.legalName : 'Plaid Checking');
    const accounts: LinkableAccount[] = (['checking', 'savings'] as const).map((type) => {
      const accountNumber = number(type);
      return {
        accountId: `acc-${type}-${createHash('sha256')
          .update(itemId + type)
          .digest('hex')
          .slice(0, 16)}`,
        name: type === 'checking' ? 'Plaid Checking' : 'Plaid Saving',
        mask: accountNumber.slice(-4),
        type,
        routingNumber: institution.routingNumber,
        accountNumber,
        holderName,
      };
    });
    return { itemId, accounts };
  }

  async identityMatch(
    itemId: string,
    _accountId: string,
    user: { legalName: string | null; email: string | null; phone: string | null },
  ): Promise<IdentityScores> {
    const encoded = itemId.split('-').slice(3).join('-');
    const login = Buffer.from(encoded, 'base64url').toString('utf8').split(':', 1)[0];
    const holder =
      login === 'user_good'
        ? { legalName: user.legalName, email: user.email, phone: user.phone }
        : login === 'user_partial'
          ? { legalName: user.legalName, email: user.email, phone: SANDBOX_HOLDER.phone }
          : SANDBOX_HOLDER;
    const score = (ours: string | null, theirs: string | null, compare: (a: string, b: string) => number) =>
      ours === null || theirs === null ? null : compare(ours, theirs);
    return {
      legalName: score(user.legalName, holder.legalName, similarity),
      emailAddress: score(user.email, holder.email, similarity),
      phoneNumber: score(user.phone, holder.phone, phoneScore),
    };
  }
}
