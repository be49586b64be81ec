import { useState } from 'preact/hooks';
import { ApiError, api, newIdempotencyKey, type Answer } from '../api/client';
import { type Currency, CurrencySelect, ErrorBox, Field, Section, amountProblem, useApi, value, when } from '../ui';

interface Contact {
  id: string;
  kind: string;
  ref: string;
  nickname: string | null;
  blocked: boolean;
}

interface Review {
  valid: boolean;
  fee: string;
  recipient: { displayName: string };
  checks: Record<string, boolean>;
}

const CHECK_LABELS: Record<string, string> = {
  recipientFound: 'Recipient found',
  sufficientFunds: 'Enough funds',
  withinLimits: 'Within your limits',
  velocityOk: 'Not too many payments this hour',
};

/**
 * Send money: recipient typed or from contacts, a decimal amount, currency and note; checked by
 * `POST /api/p2p-transfer/validate` (fee, recipient, funds, limits) before sending. Each attempt gets one
 * Idempotency-Key, kept for its retries (a lost answer retried never pays twice) and renewed when the form changes.
 */
export function SendPage() {
  const contacts = useApi(() => api('GET /api/contacts', { query: { limit: 100 } }));
  const [to, setTo] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<Currency>('USDC');
  const [note, setNote] = useState('');
  const [touched, setTouched] = useState(false);
  const [attemptKey, setAttemptKey] = useState<string | null>(null);
  const [review, setReview] = useState<Review | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Answer | null>(null);

  const change = <T,>(set: (next: T) => void) => (next: T) => {
    set(next);
    setAttemptKey(null);
    setReview(null);
    setSent(null);
  };
  const toProblem = to.trim() ? null : 'Enter an email, phone, user id or monay: address.';
  const problem = amountProblem(amount);

  async function check(event: Event) {
    event.preventDefault();
    setTouched(true);
    setError(null);
    if (toProblem || problem) return;
    setBusy(true);
    try {
      const answer = await api('POST /api/p2p-transfer/validate', { body: { to: to.trim(), amount: amount.trim(), currency } });
      setReview(answer as unknown as Review);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  async function send() {
    const key = attemptKey ?? newIdempotencyKey();
    setAttemptKey(key);
    setBusy(true);
    setError(null);
    try {
      const answer = await api('POST /api/p2p-transfer/send', {
        body: { to: to.trim(), amount: amount.trim(), currency, ...(note.trim() && { note: note.trim() }) },
        idempotencyKey: key,
      });
      setSent(answer);
    } catch (caught) {
      setError(caught);
      // A refusal is final for this attempt; a network error or 5xx keeps the key so "Retry" cannot pay twice.
      if (caught instanceof ApiError && caught.status >= 400 && caught.status < 500) setAttemptKey(null);
    } finally {
      setBusy(false);
    }
  }

  const retryable = error instanceof ApiError && (error.status === 0 || error.status >= 500) && attemptKey;
  const saved = ((contacts.data?.contacts ?? []) as Contact[]).filter((contact) => !contact.blocked);
  return (
    <>
      <h1>Send money</h1>
      <form class="card" onSubmit={(event) => void check(event)} noValidate>
        {saved.length > 0 && (
          <Field label="From your contacts" id="contact">
            <select id="contact" value="" onChange={(e) => change(setTo)(value(e))}>
              <option value="">Choose a contact…</option>
              {saved.map((contact) => (
                <option key={contact.id} value={contact.ref}>
                  {contact.nickname ? `${contact.nickname} (${contact.ref})` : contact.ref}
                </option>
              ))}
            </select>
          </Field>
        )}
        <Field label="Recipient" id="to" problem={touched ? toProblem : null} hint="Email, phone, user id or monay: address">
          <input
            id="to"
            value={to}
            onInput={(e) => change(setTo)(value(e))}
            aria-invalid={touched && !!toProblem}
            aria-describedby="to-hint"
            autocomplete="off"
          />
        </Field>
        <div class="row2">
          <Field label="Amount" id="amount" problem={touched ? problem : null}>
            <input
              id="amount"
              inputMode="decimal"
              value={amount}
              onInput={(e) => change(setAmount)(value(e))}
              aria-invalid={touched && !!problem}
              placeholder="0.00"
            />
          </Field>
          <Field label="Currency" id="currency">
            <CurrencySelect id="currency" value={currency} onChange={change(setCurrency)} />
          </Field>
        </div>
        <Field label="Note (optional)" id="note">
          <input id="note" value={note} maxLength={140} onInput={(e) => change(setNote)(value(e))} />
        </Field>
        <button type="submit" disabled={busy}>
          Review
        </button>
      </form>

      {review && !sent && (
        <Section title="Review">
          <dl class="facts">
            <dt>To</dt>
            <dd>{review.recipient?.displayName}</dd>
            <dt>Amount</dt>
            <dd>
              {amount} {currency}
            </dd>
            <dt>Fee</dt>
            <dd data-testid="fee">
              {review.fee} {currency}
            </dd>
          </dl>
          <ul class="checks">
            {Object.entries(review.checks ?? {}).map(([name, ok]) => (
              <li key={name} class={ok ? 'ok' : 'bad'}>
                {ok ? '✓' : '✗'} {CHECK_LABELS[name] ?? name}
              </li>
            ))}
          </ul>
          <button type="button" onClick={() => void send()} disabled={busy}>
            {busy ? 'Sending…' : `Send ${amount} ${currency}`}
          </button>
        </Section>
      )}
      <ErrorBox error={error} />
      {retryable && (
        <button type="button" onClick={() => void send()} disabled={busy}>
          Retry with the same key
        </button>
      )}
      {sent && <Tracker transfer={sent.transfer as Answer} />}
    </>
  );
}

/** The transfer's status and its timeline (`GET /api/p2p-transfer/status/:id`). */
function Tracker({ transfer }: { transfer: Answer }) {
  const status = useApi(() => api('GET /api/p2p-transfer/status/{id}', { params: { id: String(transfer.id) } }), [transfer.id]);
  const history = (status.data?.history ?? []) as Array<{ status: string; at: string; reason?: string }>;
  const current = (status.data?.transfer as Answer | undefined)?.status ?? transfer.status;
  return (
    <Section title="Status">
      <p role="status" data-testid="send-status">
        Transfer {String(transfer.id).slice(0, 8)}: <strong>{String(current)}</strong>
      </p>
      <ol class="timeline">
        {history.map((step, index) => (
          <li key={index}>
            {step.status} <small class="muted">{when(step.at)}</small>
            {step.reason && ` — ${step.reason}`}
          </li>
        ))}
      </ol>
      <button type="button" class="secondary" onClick={status.reload}>
        Refresh status
      </button>
    </Section>
  );
}
