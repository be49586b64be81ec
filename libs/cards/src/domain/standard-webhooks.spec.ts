import { signStandardWebhook, verifyStandardWebhook } from './standard-webhooks';

describe('Standard Webhooks signatures', () => {
  const secret = `whsec_${Buffer.from('a secret of thirty-two bytes!!!!').toString('base64')}`;
  const body = '{"type":"card_transaction.updated"}';

  it('verifies its own signature, and refuses another body, another id, a stale time or another key', () => {
    const h = signStandardWebhook([secret], 'msg_1', 1_000, body);
    const headers = {
      id: h['webhook-id'],
      timestamp: h['webhook-timestamp'],
      signature: h['webhook-signature'],
    };
    expect(verifyStandardWebhook([secret], body, headers, 1_000)).toBe(true);
    expect(verifyStandardWebhook([secret], `${body} `, headers, 1_000)).toBe(false);
    expect(verifyStandardWebhook([secret], body, { ...headers, id: 'msg_2' }, 1_000)).toBe(false);
    expect(verifyStandardWebhook([secret], body, headers, 1_000 + 301)).toBe(false);
    expect(verifyStandardWebhook(['whsec_b3RoZXI='], body, headers, 1_000)).toBe(false);
    expect(verifyStandardWebhook([secret], body, { ...headers, signature: 'v1,!!' }, 1_000)).toBe(false);
    expect(verifyStandardWebhook([secret], body, {}, 1_000)).toBe(false);
  });
});
