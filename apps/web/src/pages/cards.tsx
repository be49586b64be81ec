import { useState } from 'preact/hooks';
import { api, type Answer } from '../api/client';
import { ErrorBox, Field, Loading, Section, amountProblem, useApi, value } from '../ui';

interface Card {
  id: string;
  nickname: string;
  last4: string;
  expMonth: number;
  expYear: number;
  state: string;
  fundingCurrency: string;
  limits?: { perAuthorization?: string | null; daily?: string | null; monthly?: string | null };
}

/** Virtual cards: list, create, freeze, limits, report lost or stolen. Cards need the Verified tier (README, Cards). */
export function CardsPage() {
  const cards = useApi(() => api('GET /api/cards'));
  const [nickname, setNickname] = useState('');
  const [error, setError] = useState<unknown>(null);

  async function create(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      await api('POST /api/card/virtual/create', { body: { nickname: nickname.trim() || 'My card' } });
      setNickname('');
      cards.reload();
    } catch (caught) {
      setError(caught);
    }
  }

  const list = (cards.data?.cards ?? []) as Card[];
  return (
    <>
      <h1>Cards</h1>
      <form class="card" onSubmit={(event) => void create(event)}>
        <Field label="New card nickname" id="card-nickname" hint="Virtual cards need the Verified tier (see Settings).">
          <input id="card-nickname" value={nickname} onInput={(e) => setNickname(value(e))} aria-describedby="card-nickname-hint" />
        </Field>
        <button type="submit">Create virtual card</button>
      </form>
      <ErrorBox error={error} />
      <ErrorBox error={cards.error} />
      {cards.loading && !cards.data ? (
        <Loading what="cards" />
      ) : list.length === 0 ? (
        <p class="muted">No cards yet.</p>
      ) : (
        list.map((card) => <CardPanel key={card.id} card={card} onChange={cards.reload} />)
      )}
    </>
  );
}

function CardPanel({ card, onChange }: { card: Card; onChange: () => void }) {
  const [daily, setDaily] = useState(card.limits?.daily ?? '');
  const [error, setError] = useState<unknown>(null);
  const closed = card.state === 'CLOSED';

  async function run(call: () => Promise<Answer>) {
    setError(null);
    try {
      await call();
      onChange();
    } catch (caught) {
      setError(caught);
    }
  }
  const params = { id: card.id };
  return (
    <Section title={`${card.nickname} ·•••• ${card.last4}`} id={`card-${card.id}`}>
      <p>
        {card.state} · {card.fundingCurrency} · expires {String(card.expMonth).padStart(2, '0')}/{card.expYear}
      </p>
      {!closed && (
        <div class="actions">
          <button
            type="button"
            onClick={() => void run(() => api('PUT /api/card/{id}/freeze', { params, body: { frozen: card.state === 'OPEN' } }))}
          >
            {card.state === 'OPEN' ? 'Freeze' : 'Unfreeze'}
          </button>
          <button type="button" class="secondary" onClick={() => void run(() => api('POST /api/card/{id}/report', { params, body: { reason: 'lost' } }))}>
            Report lost
          </button>
        </div>
      )}
      {!closed && (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            if (daily && amountProblem(daily)) return;
            void run(() => api('PUT /api/card/{id}/limits', { params, body: { daily: daily.trim() || null } }));
          }}
        >
          <Field label="Daily limit (USD, empty for none)" id={`daily-${card.id}`} problem={daily ? amountProblem(daily) : null}>
            <input id={`daily-${card.id}`} inputMode="decimal" value={daily} onInput={(e) => setDaily(value(e))} />
          </Field>
          <button type="submit" class="secondary">
            Save limit
          </button>
        </form>
      )}
      <ErrorBox error={error} />
    </Section>
  );
}
