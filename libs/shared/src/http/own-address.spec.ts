import { OwnAddress } from './own-address';

describe("this process's own address, where sandbox vendors call back", () => {
  it('knows none until the process listens (a worker, a test app that only inits)', () => {
    const own = new OwnAddress();
    own.listeningOn(null);
    own.listeningOn('/tmp/monay.sock');
    expect(own.baseUrl()).toBeUndefined();
  });

  it('uses its own port, on the loopback when it listens on every interface', () => {
    const own = new OwnAddress();
    own.listeningOn({ address: '0.0.0.0', family: 'IPv4', port: 41234 });
    expect(own.baseUrl()).toBe('http://127.0.0.1:41234');
    own.listeningOn({ address: '::', family: 'IPv6', port: 3000 });
    expect(own.baseUrl()).toBe('http://127.0.0.1:3000');
    own.listeningOn({ address: '::1', family: 'IPv6', port: 3001 });
    expect(own.baseUrl()).toBe('http://[::1]:3001');
  });

  it('prefers a configured URL, wherever the process listens', () => {
    const own = new OwnAddress();
    expect(own.baseUrl('https://api.monay.test/')).toBe('https://api.monay.test');
    own.listeningOn({ address: '127.0.0.1', family: 'IPv4', port: 3000 });
    expect(own.baseUrl('https://api.monay.test/')).toBe('https://api.monay.test');
  });
});
