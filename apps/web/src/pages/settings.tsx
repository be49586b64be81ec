import { useState } from 'preact/hooks';
import { api, setSession, type Answer } from '../api/client';
import { ErrorBox, Field, Loading, Section, useApi, value, when } from '../ui';

const CHANNELS = ['in_app', 'email', 'sms', 'push'] as const;

/** Limits and tier, notification preferences, sessions (devices) and two-factor authentication. */
export function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <Limits />
      <Notifications />
      <Sessions />
      <TwoFactor />
    </>
  );
}

function Limits() {
  const limits = useApi(() => api('GET /api/wallet/limits'));
  const data = limits.data as (Answer & { daily?: Answer; monthly?: Answer; nextTier?: Answer | null }) | null;
  return (
    <Section title="Limits and tier">
      <ErrorBox error={limits.error} />
      {!data ? (
        <Loading what="limits" />
      ) : (
        <dl class="facts">
          <dt>Tier</dt>
          <dd data-testid="tier">
            {String((data.tier as Answer | undefined)?.name ?? data.tier)} (level {String(data.kycLevel)})
          </dd>
          <dt>Per payment</dt>
          <dd>{String(data.perTransaction)} USD</dd>
          <dt>Today</dt>
          <dd>
            {String(data.daily?.used)} of {String(data.daily?.limit)} USD used
          </dd>
          <dt>This month</dt>
          <dd>
            {String(data.monthly?.used)} of {String(data.monthly?.limit)} USD used
          </dd>
          <dt>Features</dt>
          <dd>{((data.features ?? []) as string[]).join(', ')}</dd>
        </dl>
      )}
    </Section>
  );
}

function Notifications() {
  const preferences = useApi(() => api('GET /api/notifications/preferences'));
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const channels = ((preferences.data?.preferences as Answer | undefined)?.channels ?? preferences.data?.channels ?? {}) as Record<
    string,
    Record<string, boolean>
  >;

  async function toggle(topic: string, channel: string, on: boolean) {
    setError(null);
    setSaved(false);
    try {
      await api('PUT /api/notifications/preferences', { body: { channels: { [topic]: { [channel]: on } } } });
      setSaved(true);
      preferences.reload();
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <Section title="Notifications">
      <ErrorBox error={preferences.error} />
      <ErrorBox error={error} />
      {!preferences.data ? (
        <Loading what="preferences" />
      ) : (
        <table>
          <caption class="sr-only">Notification channels per topic</caption>
          <thead>
            <tr>
              <th scope="col">Topic</th>
              {CHANNELS.map((channel) => (
                <th scope="col" key={channel}>
                  {channel.replace('_', '-')}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {Object.entries(channels).map(([topic, byChannel]) => (
              <tr key={topic}>
                <th scope="row">{topic.replace('_', ' ')}</th>
                {CHANNELS.map((channel) => (
                  <td key={channel}>
                    <input
                      type="checkbox"
                      aria-label={`${topic.replace('_', ' ')} by ${channel.replace('_', '-')}`}
                      checked={byChannel[channel] === true}
                      onChange={(e) => void toggle(topic, channel, e.currentTarget.checked)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p role="status" class="muted">
        {saved ? 'Saved.' : ''}
      </p>
    </Section>
  );
}

interface SessionItem {
  id: string;
  device: string;
  ip: string;
  lastUsedAt: string;
  current: boolean;
}

function Sessions() {
  const sessions = useApi(() => api('GET /api/auth/sessions'));
  const [error, setError] = useState<unknown>(null);
  async function end(id: string) {
    setError(null);
    try {
      await api('DELETE /api/auth/sessions/{id}', { params: { id } });
      sessions.reload();
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <Section title="Sessions">
      <ErrorBox error={sessions.error} />
      <ErrorBox error={error} />
      {!sessions.data ? (
        <Loading what="sessions" />
      ) : (
        <ul class="plain">
          {((sessions.data.sessions ?? []) as SessionItem[]).map((session) => (
            <li key={session.id}>
              {session.device} · {session.ip} · last used {when(session.lastUsedAt)}
              {session.current ? (
                <strong> (this one)</strong>
              ) : (
                <button type="button" class="secondary" onClick={() => void end(session.id)}>
                  End session
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <button
        type="button"
        class="secondary"
        onClick={() => void api('POST /api/auth/logout').finally(() => setSession(null))}
      >
        Sign out
      </button>
    </Section>
  );
}

function TwoFactor() {
  const me = useApi(() => api('GET /api/auth/me'));
  const [setup, setSetup] = useState<Answer | null>(null);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const security = ((me.data?.user as Answer | undefined)?.security ?? me.data?.security ?? {}) as { twoFactorEnabled?: boolean };

  async function start() {
    setError(null);
    try {
      setSetup(await api('POST /api/auth/2fa/setup'));
    } catch (caught) {
      setError(caught);
    }
  }
  async function verify(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const answer = await api('POST /api/auth/2fa/verify', { body: { code: code.trim() } });
      setRecoveryCodes(answer.recoveryCodes as string[]);
      setSetup(null);
      me.reload();
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <Section title="Two-factor authentication">
      <ErrorBox error={me.error} />
      {!me.data ? (
        <Loading what="security" />
      ) : security.twoFactorEnabled ? (
        <p>On: sign-ins and risky payments ask for a code from your authenticator app.</p>
      ) : setup ? (
        <form onSubmit={(event) => void verify(event)}>
          <img class="qr" src={String(setup.qrCode)} alt="QR code to add Monay to your authenticator app" width={180} height={180} />
          <p>
            Or type the key: <code>{String(setup.secret)}</code>
          </p>
          <Field label="Code from the app" id="totp">
            <input id="totp" inputMode="numeric" autocomplete="one-time-code" value={code} onInput={(e) => setCode(value(e))} />
          </Field>
          <button type="submit">Turn on</button>
        </form>
      ) : (
        <button type="button" onClick={() => void start()}>
          Set up two-factor authentication
        </button>
      )}
      {recoveryCodes && (
        <div role="status">
          <p>Keep these recovery codes somewhere safe; each works once and they are shown only now:</p>
          <ul class="codes">
            {recoveryCodes.map((recovery) => (
              <li key={recovery}>
                <code>{recovery}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
      <ErrorBox error={error} />
    </Section>
  );
}
