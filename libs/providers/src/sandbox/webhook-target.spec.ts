import { loadConfig } from '#monay/shared';
import { WebhookTarget } from './webhook-target';

const configWith = (env: NodeJS.ProcessEnv = {}) =>
  loadConfig({ NODE_ENV: 'test', DATA_DIR: ':memory:', LOG_LEVEL: 'silent', ...env });

describe('where the sandbox providers deliver their webhooks', () => {
  it('knows no target until the process listens (a worker, a test app that only inits)', () => {
    const target = new WebhookTarget(configWith());
    expect(target.urlFor('tempo')).toBeUndefined();
    target.listeningOn(null);
    target.listeningOn('/tmp/monay.sock');
    expect(target.baseUrl()).toBeUndefined();
  });

  it("uses this process's own port, on the loopback when it listens on every interface", () => {
    const target = new WebhookTarget(configWith());
    target.listeningOn({ address: '0.0.0.0', family: 'IPv4', port: 41234 });
    expect(target.urlFor('circle')).toBe('http://127.0.0.1:41234/api/webhooks/providers/circle');
    target.listeningOn({ address: '::', family: 'IPv6', port: 3000 });
    expect(target.urlFor('tempo')).toBe('http://127.0.0.1:3000/api/webhooks/providers/tempo');
    target.listeningOn({ address: '::1', family: 'IPv6', port: 3001 });
    expect(target.urlFor('monay')).toBe('http://[::1]:3001/api/webhooks/providers/monay');
  });

  it('prefers the configured PROVIDER_WEBHOOK_URL, wherever this process listens', () => {
    const target = new WebhookTarget(configWith({ PROVIDER_WEBHOOK_URL: 'https://api.monay.test/' }));
    expect(target.urlFor('tempo')).toBe('https://api.monay.test/api/webhooks/providers/tempo');
    target.listeningOn({ address: '127.0.0.1', family: 'IPv4', port: 3000 });
    expect(target.urlFor('tempo')).toBe('https://api.monay.test/api/webhooks/providers/tempo');
  });
});
