import { useEffect, useState } from 'preact/hooks';
import { accessToken, onSessionChange } from './api/client';
import { connectLive, disconnectLive, onLiveStatus } from './api/socket';
import { navigate, usePath } from './router';
import { AuthPage } from './pages/auth';
import { DashboardPage } from './pages/dashboard';
import { SendPage } from './pages/send';
import { RequestPage } from './pages/request';
import { HistoryPage } from './pages/history';
import { MoneyPage } from './pages/money';
import { CardsPage } from './pages/cards';
import { AnalyticsPage } from './pages/analytics';
import { SettingsPage } from './pages/settings';

const PAGES = [
  { path: '/', label: 'Dashboard', page: DashboardPage },
  { path: '/send', label: 'Send', page: SendPage },
  { path: '/request', label: 'Request', page: RequestPage },
  { path: '/history', label: 'History', page: HistoryPage },
  { path: '/money', label: 'Add & swap', page: MoneyPage },
  { path: '/cards', label: 'Cards', page: CardsPage },
  { path: '/analytics', label: 'Analytics', page: AnalyticsPage },
  { path: '/settings', label: 'Settings', page: SettingsPage },
];

export function App() {
  const path = usePath();
  const [signedIn, setSignedIn] = useState(accessToken() !== null);
  const [live, setLive] = useState(false);

  useEffect(() => onSessionChange(setSignedIn), []);
  useEffect(() => onLiveStatus(setLive), []);
  useEffect(() => {
    if (signedIn) connectLive();
    else disconnectLive();
  }, [signedIn]);
  useEffect(() => {
    if (!signedIn && path !== '/signin' && path !== '/signup') navigate('/signin');
  }, [signedIn, path]);

  const current = PAGES.find((page) => page.path === path);
  useEffect(() => {
    document.title = `${current?.label ?? (path === '/signup' ? 'Sign up' : 'Sign in')} · Monay Wallet`;
  }, [path]);

  if (!signedIn) return <AuthPage mode={path === '/signup' ? 'signup' : 'signin'} />;
  const Page = current?.page;
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header>
        <span class="brand">Monay</span>
        <nav aria-label="Main">
          <ul>
            {PAGES.map((page) => (
              <li key={page.path}>
                <a href={page.path} aria-current={page.path === path ? 'page' : undefined}>
                  {page.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class={`live ${live ? 'on' : 'off'}`} role="status" data-testid="live">
          {live ? 'Live' : 'Offline'}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {Page ? (
          <Page key={path} />
        ) : (
          <>
            <h1>Not found</h1>
            <p>
              No page here. <a href="/">Back to the dashboard</a>
            </p>
          </>
        )}
      </main>
    </>
  );
}
