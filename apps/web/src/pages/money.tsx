import { useState } from 'preact/hooks';
import { api, newIdempotencyKey, type Answer } from '../api/client';
import { type Currency, CurrencySelect, ErrorBox, Field, Section, amountProblem, value, when } from '../ui';

/** Deposit, withdraw (sandbox providers, see README Providers) and swap at a quoted rate. */
export function MoneyPage() {
  return (
    <>
      <h1>Add, withdraw, swap</h1>
      <Deposit />
      <Swap />
      <Withdraw />
    </>
  );
}

function Deposit() {
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<Currency>('USDC');
  const [method, setMethod] = useState<'bank' | 'card' | 'crypto'>('bank');
  const [result, setResult] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const problem = amount ? amountProblem(amount) : null;

  async function submit(event: Event) {
    event.preventDefault();
    if (amountProblem(amount)) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await api('POST /api/consumer/deposit', { body: { amount: amount.trim(), currency, method }, idempotencyKey: newIdempotencyKey() }));
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <Section title="Deposit">
      <form onSubmit={(event) => void submit(event)}>
        <div class="row2">
          <Field label="Deposit amount" id="dep-amount" problem={problem}>
            <input id="dep-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(value(e))} />
          </Field>
          <Field label="Currency" id="dep-currency">
            <CurrencySelect id="dep-currency" value={currency} onChange={setCurrency} />
          </Field>
          <Field label="From" id="dep-method">
            <select id="dep-method" value={method} onChange={(e) => setMethod(value(e) as typeof method)}>
              <option value="bank">Bank</option>
              <option value="card">Card</option>
              <option value="crypto">Crypto</option>
            </select>
          </Field>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Depositing…' : 'Deposit'}
        </button>
      </form>
      <ErrorBox error={error} />
      {result && (
        <p role="status" data-testid="deposit-result">
          {result.credited ? `Credited ${String(result.credited)} ${currency}` : 'Under way at the provider'} (fee {String(result.fee)}, via{' '}
          {String(result.provider)})
        </p>
      )}
    </Section>
  );
}

interface Quote {
  quoteId: string;
  rate: string;
  fee: string;
  amountOut: string;
  expiresAt: string;
  provider: string;
}

function Swap() {
  const [from, setFrom] = useState<Currency>('USDC');
  const [to, setTo] = useState<Currency>('USDT');
  const [amount, setAmount] = useState('');
  const [quote, setQuote] = useState<Quote | null>(null);
  const [done, setDone] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function ask(event: Event) {
    event.preventDefault();
    if (amountProblem(amount)) return;
    setError(null);
    setDone(null);
    try {
      const answer = await api('GET /api/consumer/swap/quote', { query: { from, to, amount: amount.trim() } });
      setQuote(answer.quote as Quote);
    } catch (caught) {
      setError(caught);
    }
  }
  async function execute() {
    if (!quote) return;
    setError(null);
    try {
      const answer = await api('POST /api/consumer/swap', { body: { quoteId: quote.quoteId }, idempotencyKey: newIdempotencyKey() });
      setDone(answer.swap as Answer);
      setQuote(null);
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <Section title="Swap">
      <form onSubmit={(event) => void ask(event)}>
        <div class="row2">
          <Field label="Swap amount" id="swap-amount" problem={amount ? amountProblem(amount) : null}>
            <input id="swap-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(value(e))} />
          </Field>
          <Field label="From" id="swap-from">
            <CurrencySelect id="swap-from" value={from} onChange={setFrom} />
          </Field>
          <Field label="To" id="swap-to">
            <CurrencySelect id="swap-to" value={to} onChange={setTo} />
          </Field>
        </div>
        <button type="submit">Get a quote</button>
      </form>
      <ErrorBox error={error} />
      {quote && (
        <div role="status">
          <p>
            You get <strong>{quote.amountOut} {to}</strong> at {quote.rate} (fee {quote.fee}, {quote.provider}), until {when(quote.expiresAt)}.
          </p>
          <button type="button" onClick={() => void execute()}>
            Swap now
          </button>
        </div>
      )}
      {done && <p role="status">Swap {String(done.status)}.</p>}
    </Section>
  );
}

function Withdraw() {
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState<Currency>('USDC');
  const [destination, setDestination] = useState('');
  const [result, setResult] = useState<Answer | null>(null);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: Event) {
    event.preventDefault();
    if (amountProblem(amount) || !destination.trim()) return;
    setError(null);
    setResult(null);
    try {
      const answer = await api('POST /api/consumer/withdraw', {
        body: { amount: amount.trim(), currency, destination: destination.trim() },
        idempotencyKey: newIdempotencyKey(),
      });
      setResult(answer.withdrawal as Answer);
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <Section title="Withdraw">
      <form onSubmit={(event) => void submit(event)}>
        <div class="row2">
          <Field label="Withdrawal amount" id="wd-amount" problem={amount ? amountProblem(amount) : null}>
            <input id="wd-amount" inputMode="decimal" value={amount} onInput={(e) => setAmount(value(e))} />
          </Field>
          <Field label="Currency" id="wd-currency">
            <CurrencySelect id="wd-currency" value={currency} onChange={setCurrency} />
          </Field>
        </div>
        <Field label="Destination (bank account reference)" id="wd-destination">
          <input id="wd-destination" value={destination} onInput={(e) => setDestination(value(e))} />
        </Field>
        <button type="submit">Withdraw</button>
      </form>
      <ErrorBox error={error} />
      {result && <p role="status">Withdrawal {String(result.status)} (fee {String(result.fee ?? '—')}).</p>}
    </Section>
  );
}
