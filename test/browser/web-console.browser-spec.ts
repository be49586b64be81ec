import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Money } from '#monay/kernel';
import { renderClientTypes } from '../../scripts/web-api-client-types';
import { totpAt } from '../support/security';
import { newUser, startTestApp, type TestApp } from '../support/test-app';
import { WEB_DIST, chromiumPresent, ensureWebBuild, launchChromium, screenshot } from './support';

/**
 * The web console in a real browser (Debian's Chromium through playwright-core) against the real API on the
 * embedded default, serving the built console as `npm start` does: two people sign up, one deposits and pays the
 * other, whose dashboard changes live; a refusal shows its code; history, export, analytics, a keyboard-only
 * payment, and axe finds no serious or critical accessibility problem.
 */
const describeWithChromium = chromiumPresent() ? describe : describe.skip;

// The browser's globals, for the functions page.evaluate runs inside the page (this program has no DOM library).
declare const window: Record<string, any>;
declare const document: any;

async function waitForValue(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describeWithChromium('web console in Chromium', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let contexts: BrowserContext[];
  let alice: Page;
  let bob: Page;
  const people = { alice: newUser('alice'), bob: newUser('bob') };
  const cspViolations: string[] = [];

  const sockets = new Map<Page, number>();
  const refreshes: Array<{ sent: string; answered: number; received?: string }> = [];
  let firstRefreshToken: string | undefined;

  async function openPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('websocket', () => sockets.set(page, (sockets.get(page) ?? 0) + 1));
    page.on('response', async (response) => {
      const path = new URL(response.url()).pathname;
      if (path === '/api/consumer/onboard' && !firstRefreshToken && page === alice) {
        firstRefreshToken = (await response.json()).refreshToken;
      }
      if (path === '/api/auth/refresh' && page === alice) {
        const body = await response.json().catch(() => ({}));
        refreshes.push({ sent: JSON.parse(response.request().postData() ?? '{}').refreshToken, answered: response.status(), received: body.refreshToken });
      }
    });
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('pageerror', (error) => cspViolations.push(`page error: ${error.message}`));
    return page;
  }

  async function signUp(page: Page, who: { email: string; password: string }): Promise<void> {
    await page.goto(`${base}/signup`);
    await page.getByLabel('Email').fill(who.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
  }

  /** What the API says the person has available, read with a session of their own. */
  async function available(who: { email: string; password: string }, currency = 'USDC'): Promise<string> {
    const login = await t.http().post('/api/auth/login').send(who).expect(200);
    const balance = await t.http().get('/api/wallet/balance').set('Authorization', `Bearer ${login.body.accessToken}`).expect(200);
    return balance.body.balances.find((line: { currency: string }) => line.currency === currency).available;
  }

  async function go(page: Page, link: string, heading: string): Promise<void> {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: link, exact: true }).click();
    await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
  }

  async function axe(page: Page): Promise<string[]> {
    // Evaluated through the DevTools protocol, which the page's CSP (script-src 'self') does not govern.
    await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
    const violations = await page.evaluate(async () => {
      const result = await (window as unknown as { axe: { run: () => Promise<{ violations: any[] }> } }).axe.run();
      return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.length }));
    });
    return violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id} (${violation.impact}, ${violation.nodes} nodes)`);
  }

  beforeAll(async () => {
    ensureWebBuild();
    // Access tokens of 30 s (the least allowed), so that the suite outlives them: the console must refresh them
    // (rotating the refresh token) and reconnect its socket when the server closes it at the token's expiry.
    t = await startTestApp({ ACCESS_TOKEN_TTL_SECONDS: '30' }, { webConsoleDir: WEB_DIST });
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}`;
    browser = await launchChromium();
    contexts = [];
  });

  afterAll(async () => {
    for (const context of contexts ?? []) await context.close();
    await browser?.close();
    await t?.close();
  });

  it('typed client has every route the OpenAPI document declares, and no other (npm run web:api)', async () => {
    // Routes, their bodies' schema names and Idempotency-Keys. (A few inline property types differ between the
    // compiled API and this TypeScript run: decorator metadata of a type alias is `Object` under ts-jest.)
    const routes = (text: string) =>
      [...text.matchAll(/^ {2}"([A-Z]+ \/[^"]+)": \{\n {4}body: (Schemas\["\w+"\]|never|[^;]*);[^]*?idempotencyKey: (true|false);/gm)].map(
        (match) => `${match[1]} ${match[2].startsWith('Schemas') || match[2] === 'never' ? match[2] : 'inline'} ${match[3]}`,
      );
    const document = await t.http().get('/api/docs-json').expect(200);
    const committed = readFileSync(join(__dirname, '../../apps/web/src/api/schema.ts'), 'utf8');
    const served = routes(renderClientTypes(document.body));
    expect(served.length).toBeGreaterThan(100);
    expect(routes(committed)).toEqual(served);
  });

  it('serves the console at / with its CSP, and two people sign up in separate browsers', async () => {
    const page = await fetch(`${base}/history`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    alice = await openPage();
    await alice.goto(`${base}/`);
    await alice.getByRole('heading', { name: 'Sign in' }).waitFor(); // no session: the sign-in page
    await screenshot(alice, 'sign-in');
    await signUp(alice, people.alice);
    bob = await openPage();
    await signUp(bob, people.bob);
    // Tokens stay in memory: nothing in storage.
    expect(await alice.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([0, 0, '']);
  });

  it('deposits through the sandbox provider and shows the credited balance', async () => {
    await go(alice, 'Add & swap', 'Add, withdraw, swap');
    await alice.getByLabel('Deposit amount').fill('100');
    await alice.getByRole('button', { name: 'Deposit', exact: true }).click();
    const result = await alice.getByTestId('deposit-result').textContent({ timeout: 15_000 });
    const credited = /Credited (\S+) USDC/.exec(result ?? '')?.[1];
    expect(credited).toBeDefined();
    await screenshot(alice, 'add-and-swap');
    await go(alice, 'Dashboard', 'Dashboard');
    await expect(available(people.alice)).resolves.toBe(credited);
    await alice.getByTestId('available-USDC').filter({ hasText: credited }).waitFor();
  });

  it("sends money and the recipient's dashboard changes live, without a reload", async () => {
    const before = await bob.getByTestId('available-USDC').textContent();
    await bob.evaluate(() => ((window as unknown as { marker: string }).marker = 'same page'));
    await go(alice, 'Send', 'Send money');
    await alice.getByLabel('Recipient').fill(people.bob.email);
    await alice.getByLabel('Amount').fill('12.5');
    await alice.getByLabel('Note (optional)').fill('pizza night');
    await alice.getByRole('button', { name: 'Review' }).click();
    await alice.getByTestId('fee').waitFor();
    await screenshot(alice, 'send-review');
    await alice.getByRole('button', { name: 'Send 12.5 USDC' }).click();
    await alice.getByTestId('send-status').filter({ hasText: 'completed' }).waitFor();

    const expected = await available(people.bob);
    expect(expected).not.toBe(before);
    await bob.getByTestId('available-USDC').filter({ hasText: expected }).waitFor({ timeout: 10_000 });
    expect(await bob.evaluate(() => (window as unknown as { marker?: string }).marker)).toBe('same page');
    await bob.getByText('Received 12.5').waitFor();
    await screenshot(bob, 'dashboard');
  });

  it('shows why a transfer is refused: the API error code and message', async () => {
    await go(bob, 'Send', 'Send money');
    await bob.getByLabel('Recipient').fill(people.alice.email);
    await bob.getByLabel('Amount').fill('500');
    await bob.getByRole('button', { name: 'Review' }).click();
    await bob.getByText('✗ Enough funds').waitFor();
    await bob.getByRole('button', { name: 'Send 500 USDC' }).click();
    const alert = bob.getByRole('alert').filter({ hasText: 'INSUFFICIENT_FUNDS' });
    await alert.waitFor();
    expect(await alert.locator('[data-code]').getAttribute('data-code')).toBe('INSUFFICIENT_FUNDS');
    // The form checks before sending: a malformed amount never reaches the API.
    await bob.getByLabel('Amount').fill('1.2.3');
    await bob.getByRole('button', { name: 'Review' }).click();
    await bob.getByText('Use digits with at most 6 decimals').waitFor();
  });

  it('sends with the keyboard alone', async () => {
    await go(alice, 'Send', 'Send money');
    const focused = () => alice.evaluate(() => document.activeElement?.id || document.activeElement?.textContent || '');
    for (let presses = 0; (await focused()) !== 'to'; presses++) {
      expect(presses).toBeLessThan(30);
      await alice.keyboard.press('Tab');
    }
    await alice.keyboard.type(people.bob.email);
    await alice.keyboard.press('Tab');
    await alice.keyboard.type('2.25');
    await alice.keyboard.press('Tab'); // currency stays USDC
    await alice.keyboard.press('Tab');
    await alice.keyboard.type('coffee');
    await alice.keyboard.press('Enter'); // submits the form: the review
    await alice.getByTestId('fee').waitFor();
    for (let presses = 0; !(await focused()).startsWith('Send 2.25'); presses++) {
      expect(presses).toBeLessThan(10);
      await alice.keyboard.press('Tab');
    }
    await alice.keyboard.press('Enter');
    await alice.getByTestId('send-status').filter({ hasText: 'completed' }).waitFor();
  });

  it('retries a payment whose answer was lost with the same Idempotency-Key, and it is paid once', async () => {
    const before = await available(people.bob);
    const keys: string[] = [];
    let loseTheAnswer = true;
    await alice.route('**/api/p2p-transfer/send', async (route) => {
      keys.push(route.request().headers()['idempotency-key']);
      if (!loseTheAnswer) return route.continue();
      loseTheAnswer = false;
      await route.fetch(); // the API receives it and pays; the browser never hears back
      await route.abort('connectionreset');
    });
    await go(alice, 'Send', 'Send money');
    await alice.getByLabel('Recipient').fill(people.bob.email);
    await alice.getByLabel('Amount').fill('1');
    await alice.getByRole('button', { name: 'Review' }).click();
    await alice.getByRole('button', { name: 'Send 1 USDC' }).click();
    await alice.getByRole('alert').filter({ hasText: 'NETWORK_ERROR' }).waitFor();
    await alice.getByRole('button', { name: 'Retry with the same key' }).click();
    await alice.getByTestId('send-status').filter({ hasText: 'completed' }).waitFor();
    await alice.unroute('**/api/p2p-transfer/send');
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const after = await available(people.bob);
    expect(Money.parse(after, 'USDC').minor - Money.parse(before, 'USDC').minor).toBe(Money.parse('1', 'USDC').minor);
  });

  it('lists history with filters and a detail drawer, and exports CSV', async () => {
    await go(alice, 'History', 'History');
    await alice.getByText('pizza night').waitFor();
    await alice.getByLabel('Type').selectOption('transfer_out');
    await alice.getByRole('button', { name: /deposit/ }).waitFor({ state: 'detached' });
    const rows = alice.locator('.movements li');
    expect(await rows.count()).toBe(3); // 12.5, 2.25 and the retried 1: once
    await alice.getByRole('button', { name: /pizza night/ }).click();
    const drawer = alice.getByRole('dialog');
    await drawer.getByTestId('timeline').getByText('completed').waitFor();
    await screenshot(alice, 'history-detail');
    await alice.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    const [download] = await Promise.all([alice.waitForEvent('download'), alice.getByRole('button', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path()) as string, 'utf8');
    expect(csv.split('\n')[0]).toMatch(/^date,type,currency,amount,fee,usd_amount/);
    expect(csv).toContain('pizza night');
    expect(csv).toContain('-12.5');
  });

  it('draws the analytics charts from the data', async () => {
    await go(alice, 'Analytics', 'Analytics');
    const categories = alice.getByTestId('category-chart');
    await categories.waitFor();
    expect(await categories.locator('rect').count()).toBeGreaterThan(0);
    expect(await categories.textContent()).toMatch(/USD/);
    const trend = alice.getByTestId('trend-chart');
    await trend.waitFor();
    const heights = await trend.locator('rect.bar.spending').evaluateAll((bars) => bars.map((bar) => Number(bar.getAttribute('height'))));
    expect(Math.max(...heights)).toBeGreaterThan(0); // this month's spending has a bar
    await screenshot(alice, 'analytics');
  });

  it('asks for money with a QR code, and shows why a card cannot be made yet', async () => {
    await go(alice, 'Request', 'Request money');
    await alice.getByLabel('Amount (optional for open requests)').fill('3');
    await alice.getByLabel('Note (optional)').fill('lunch');
    await alice.getByRole('button', { name: 'Create request' }).click();
    await alice.getByTestId('share-link').waitFor();
    const qr = alice.getByRole('img', { name: /QR code of the payment request/ });
    await qr.waitFor();
    expect(await qr.evaluate((image: any) => image.complete && image.naturalWidth > 0)).toBe(true);
    await alice.getByText(/^3(\.0+)? USDC · requested · lunch/).waitFor();
    await screenshot(alice, 'request-qr');

    await go(alice, 'Cards', 'Cards');
    await alice.getByRole('button', { name: 'Create virtual card' }).click();
    await alice.getByRole('alert').filter({ hasText: 'KYC_TIER_REQUIRED' }).waitFor();
  });

  it('turns on two-factor authentication, then signs in through the challenge', async () => {
    const carol = await openPage();
    const person = newUser('carol');
    await signUp(carol, person);
    await go(carol, 'Settings', 'Settings');
    await carol.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    const secret = (await carol.locator('form code').textContent()) as string;
    await carol.getByLabel('Code from the app').fill(await totpAt(secret, new Date()));
    await carol.getByRole('button', { name: 'Turn on' }).click();
    const recovery = (await carol.locator('.codes code').first().textContent()) as string;
    await carol.getByText('On: sign-ins and risky payments ask for a code').waitFor();

    await carol.getByRole('button', { name: 'Sign out' }).click();
    await carol.getByRole('heading', { name: 'Sign in' }).waitFor();
    await carol.getByLabel('Email').fill(person.email);
    await carol.getByLabel('Password').fill(person.password);
    await carol.getByRole('button', { name: 'Sign in' }).click();
    await carol.getByRole('heading', { name: 'Two-factor check' }).waitFor();
    await carol.getByLabel(/recovery code/).fill('wrong-00000');
    await carol.getByRole('button', { name: 'Verify' }).click();
    await carol.getByRole('alert').filter({ hasText: 'INVALID_TWO_FACTOR_CODE' }).waitFor();
    await carol.getByLabel(/recovery code/).fill(recovery);
    await carol.getByRole('button', { name: 'Verify' }).click();
    await carol.getByRole('heading', { name: 'Dashboard' }).waitFor();
  });

  it('has no serious or critical accessibility violations (axe) and no CSP violation', async () => {
    const found: Record<string, string[]> = {};
    for (const [link, heading] of [
      ['Dashboard', 'Dashboard'],
      ['Send', 'Send money'],
      ['Request', 'Request money'],
      ['History', 'History'],
      ['Add & swap', 'Add, withdraw, swap'],
      ['Cards', 'Cards'],
      ['Analytics', 'Analytics'],
      ['Settings', 'Settings'],
    ]) {
      await go(alice, link, heading);
      await alice.waitForLoadState('networkidle');
      if (link === 'Settings') await screenshot(alice, 'settings');
      if (link === 'Cards') await screenshot(alice, 'cards');
      const violations = await axe(alice);
      if (violations.length) found[link] = violations;
    }
    expect(found).toEqual({});
    expect(cspViolations).toEqual([]);
  });

  it('outlives the access token: refreshed with rotation, the socket reconnected and still live', async () => {
    await waitForValue(() => refreshes.length > 0 && (sockets.get(alice) ?? 0) >= 2, 35_000);
    // The first refresh spent the refresh token of the sign-up and got a new one; each next one spends the last.
    expect(refreshes[0]).toMatchObject({ sent: firstRefreshToken, answered: 200 });
    refreshes.forEach((refresh, index) => {
      expect(refresh.received).toEqual(expect.any(String));
      expect(refresh.received).not.toBe(refresh.sent);
      if (index > 0) expect(refresh.sent).toBe(refreshes[index - 1].received);
    });
    // The server closed the socket opened with the first token; the reconnected one still delivers, live.
    await go(alice, 'Dashboard', 'Dashboard');
    await alice.getByTestId('live').filter({ hasText: 'Live' }).waitFor();
    const login = await t.http().post('/api/auth/login').send(people.bob).expect(200);
    await t
      .http()
      .post('/api/p2p-transfer/send')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .set('Idempotency-Key', `browser-${Date.now()}`)
      .send({ to: people.alice.email, amount: '1', currency: 'USDC' })
      .expect(201);
    await alice.getByTestId('available-USDC').filter({ hasText: await available(people.alice) }).waitFor({ timeout: 10_000 });
  });

  it('fits a phone screen', async () => {
    await alice.setViewportSize({ width: 375, height: 740 });
    await go(alice, 'Dashboard', 'Dashboard');
    const overflow = await alice.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(alice, 'dashboard-phone');
  });
});
