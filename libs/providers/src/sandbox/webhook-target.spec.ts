import { loadConfig, OwnAddress } from '#monay/shared';
import { WebhookTarget } from './webhook-target';

const configWith = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', LOG_LEVEL: 'silent', ...env });

describe('where the sandbox providers deliver their webhooks', () => {
  it('knows no target until the process listens, then its own address', () => {
    const own = new OwnAddress();
    const target = new WebhookTarget(configWith(), own);
    expect(target.urlFor('tempo')).toBeUndefined();
    own.listeningOn({ address: '0.0.0.0', family: 'IPv4', port: 41234 });
    expect(target.urlFor('circle')).toBe('http://127.0.0.1:41234/api/webhooks/providers/circle');
  });

  it('prefers the configured PROVIDER_WEBHOOK_URL, wherever this process listens', () => {
    const own = new OwnAddress();
    const target = new WebhookTarget(configWith({ PROVIDER_WEBHOOK_URL: 'https://api.monay.test/' }), own);
    expect(target.urlFor('tempo')).toBe('https://api.monay.test/api/webhooks/providers/tempo');
    own.listeningOn({ address: '127.0.0.1', family: 'IPv4', port: 3000 });
    expect(target.urlFor('tempo')).toBe('https://api.monay.test/api/webhooks/providers/tempo');
  });
});
