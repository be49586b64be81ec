import { useState } from 'preact/hooks';
import { api, setSession, type Tokens } from '../api/client';
import { ErrorBox, Field, value } from '../ui';
import { navigate } from '../router';

/** Sign up (a user and their wallet, `POST /api/consumer/onboard`) or sign in, with the 2FA challenge. */
export function AuthPage({ mode }: { mode: 'signin' | 'signup' }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let answer;
      if (mfaToken) {
        const body = /^\d{6}$/.test(code.trim()) ? { mfaToken, code: code.trim() } : { mfaToken, recoveryCode: code.trim() };
        answer = await api('POST /api/auth/2fa/challenge', { body });
      } else if (mode === 'signup') {
        answer = await api('POST /api/consumer/onboard', { body: { email, password } });
      } else {
        answer = await api('POST /api/auth/login', { body: { email, password } });
        if (answer.mfaRequired) {
          setMfaToken(String(answer.mfaToken));
          return;
        }
      }
      setSession(answer as unknown as Tokens);
      navigate('/');
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  const title = mfaToken ? 'Two-factor check' : mode === 'signup' ? 'Create your wallet' : 'Sign in';
  return (
    <main id="main" class="auth">
      <h1>{title}</h1>
      <form onSubmit={(event) => void submit(event)} class="card" aria-describedby="auth-error">
        {mfaToken ? (
          <Field label="Code from your authenticator app, or a recovery code" id="mfa-code">
            <input id="mfa-code" value={code} onInput={(e) => setCode(value(e))} autocomplete="one-time-code" required />
          </Field>
        ) : (
          <>
            <Field label="Email" id="email">
              <input id="email" type="email" value={email} onInput={(e) => setEmail(value(e))} autocomplete="email" required />
            </Field>
            <Field label="Password" id="password" hint={mode === 'signup' ? 'At least 10 characters.' : undefined}>
              <input
                id="password"
                type="password"
                value={password}
                minLength={mode === 'signup' ? 10 : undefined}
                onInput={(e) => setPassword(value(e))}
                autocomplete={mode === 'signup' ? 'new-password' : 'current-password'}
                required
              />
            </Field>
          </>
        )}
        <div id="auth-error">
          <ErrorBox error={error} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : mfaToken ? 'Verify' : mode === 'signup' ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p>
        {mode === 'signup' ? (
          <>
            Already have a wallet? <a href="/signin">Sign in</a>
          </>
        ) : (
          <>
            New here? <a href="/signup">Create a wallet</a>
          </>
        )}
      </p>
    </main>
  );
}
