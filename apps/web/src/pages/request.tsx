import { useState } from 'preact/hooks';
import { api, newIdempotencyKey, type Answer } from '../api/client';
import { CurrencySelect, ErrorBox, Field, Loading, Section, amountProblem, useApi, value, type Currency } from '../ui';

interface PaymentRequest {
  id: string;
  direction: string;
  status: string;
  amount: string | null;
  currency: string;
  note: string | null;
  shareLink: string;
  payer: { displayName?: string } | null;
}

/** Ask for money (from one user or anyone with the link) and show its QR code; pay or decline what you are asked. */
export function RequestPage() {
  const [from, setFrom] = useState('');
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<Currency>('USDC');
  const [note, setNote] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [created, setCreated] = useState<PaymentRequest | null>(null);
  const [qr, setQr] = useState<string | null>(null);
  const outgoing = useApi(() => api('GET /api/payment-requests', { query: { direction: 'outgoing', limit: 10 } }));
  const incoming = useApi(() => api('GET /api/payment-requests', { query: { direction: 'incoming', limit: 10 } }));
  const problem = amount ? amountProblem(amount) : null;

  async function create(event: Event) {
    event.preventDefault();
    if (problem) return;
    setError(null);
    try {
      const answer = await api('POST /api/payment-requests', {
        body: {
          ...(from.trim() && { from: from.trim() }),
          ...(amount.trim() && { amount: amount.trim() }),
          currency,
          ...(note.trim() && { note: note.trim() }),
        },
      });
      const request = answer.paymentRequest as PaymentRequest;
      setCreated(request);
      const svg = await api('GET /api/payment-requests/{id}/qr', {
        params: { id: request.id },
        query: { format: 'svg' },
        text: true,
      });
      setQr(`data:image/svg+xml,${encodeURIComponent(String(svg.text))}`);
      outgoing.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  async function act(request: PaymentRequest, action: 'pay' | 'decline') {
    setError(null);
    try {
      if (action === 'pay') {
        await api('POST /api/payment-requests/{id}/pay', { params: { id: request.id }, body: {}, idempotencyKey: newIdempotencyKey() });
      } else {
        await api('POST /api/payment-requests/{id}/decline', { params: { id: request.id } });
      }
      incoming.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <>
      <h1>Request money</h1>
      <form class="card" onSubmit={(event) => void create(event)}>
        <Field label="From (optional)" id="req-from" hint="Leave empty for a link anyone can pay once.">
          <input id="req-from" value={from} onInput={(e) => setFrom(value(e))} aria-describedby="req-from-hint" />
        </Field>
        <div class="row2">
          <Field label="Amount (optional for open requests)" id="req-amount" problem={problem}>
            <input id="req-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(value(e))} />
          </Field>
          <Field label="Currency" id="req-currency">
            <CurrencySelect id="req-currency" value={currency} onChange={setCurrency} />
          </Field>
        </div>
        <Field label="Note (optional)" id="req-note">
          <input id="req-note" value={note} maxLength={140} onInput={(e) => setNote(value(e))} />
        </Field>
        <button type="submit">Create request</button>
      </form>
      <ErrorBox error={error} />
      {created && (
        <Section title="Share this request">
          <p>
            Link: <code data-testid="share-link">{created.shareLink}</code>
          </p>
          {qr ? <img class="qr" src={qr} alt={`QR code of the payment request ${created.shareLink}`} width={220} height={220} /> : <Loading what="QR code" />}
        </Section>
      )}
      <Section title="Asked of you">
        <ErrorBox error={incoming.error} />
        <RequestList data={incoming.data} onAct={(request, action) => void act(request, action)} />
      </Section>
      <Section title="Your requests">
        <ErrorBox error={outgoing.error} />
        <RequestList data={outgoing.data} />
      </Section>
    </>
  );
}

function RequestList({ data, onAct }: { data: Answer | null; onAct?: (request: PaymentRequest, action: 'pay' | 'decline') => void }) {
  const requests = (data?.requests ?? []) as PaymentRequest[];
  if (!data) return <Loading what="requests" />;
  if (requests.length === 0) return <p class="muted">None.</p>;
  return (
    <ul class="plain">
      {requests.map((request) => (
        <li key={request.id}>
          {request.amount ?? 'any amount'} {request.currency} · {request.status}
          {request.note && ` · ${request.note}`}
          {onAct && request.status === 'requested' && (
            <span class="actions">
              <button type="button" onClick={() => onAct(request, 'pay')}>
                Pay
              </button>
              <button type="button" class="secondary" onClick={() => onAct(request, 'decline')}>
                Decline
              </button>
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
