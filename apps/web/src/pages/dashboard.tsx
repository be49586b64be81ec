import { useEffect, useState } from 'preact/hooks';
import { api } from '../api/client';
import { onLive } from '../api/socket';
import { ErrorBox, Loading, Section, useApi, when } from '../ui';

interface Balance {
  currency: string;
  available: string;
  pending: string;
  total: string;
}

export interface HistoryItem {
  id: string;
  type: string;
  status: string;
  amount: string;
  fee: string;
  currency: string;
  counterparty: { userId: string } | { displayName: string } | null;
  note: string | null;
  failureCode?: string;
  occurredAt: string;
}

export function counterpartyLabel(item: HistoryItem): string {
  if (!item.counterparty) return '';
  return 'displayName' in item.counterparty ? item.counterparty.displayName : `user ${item.counterparty.userId.slice(0, 8)}`;
}

const UNDER_WAY = new Set(['pending', 'processing', 'pending_claim', 'under_review']);

/** Balances per stablecoin and their USD total, refreshed by the socket; movements under way listed apart. */
export function DashboardPage() {
  const balance = useApi(() => api('GET /api/wallet/balance'));
  const recent = useApi(() => api('GET /api/transactions', { query: { limit: 20 } }));
  const [flash, setFlash] = useState<string | null>(null);

  useEffect(
    () =>
      onLive((event, data) => {
        if (event === 'balance.updated' || event === 'transaction.updated' || event === 'transfer.received') {
          balance.reload();
          recent.reload();
        }
        if (event === 'transfer.received') setFlash(`Received ${String(data.amount)} ${String(data.currency)}`);
      }),
    [balance.reload, recent.reload],
  );

  const balances = (balance.data?.balances ?? []) as Balance[];
  const items = (recent.data?.transactions ?? []) as HistoryItem[];
  const pending = items.filter((item) => UNDER_WAY.has(item.status));
  const done = items.filter((item) => !UNDER_WAY.has(item.status)).slice(0, 5);

  return (
    <>
      <h1>Dashboard</h1>
      <div role="status" aria-live="polite" class="flash">
        {flash}
      </div>
      <Section title="Balances">
        <ErrorBox error={balance.error} />
        {balance.loading && !balance.data ? (
          <Loading what="balances" />
        ) : (
          <>
            <p class="total">
              Total <strong data-testid="total-usd">{String(balance.data?.totalUSD ?? '0')} USD</strong>
            </p>
            <table>
              <caption class="sr-only">Balances per stablecoin</caption>
              <thead>
                <tr>
                  <th scope="col">Currency</th>
                  <th scope="col">Available</th>
                  <th scope="col">Pending</th>
                  <th scope="col">Total</th>
                </tr>
              </thead>
              <tbody>
                {balances.map((line) => (
                  <tr key={line.currency} data-currency={line.currency}>
                    <th scope="row">{line.currency}</th>
                    <td data-testid={`available-${line.currency}`}>{line.available}</td>
                    <td>{line.pending}</td>
                    <td>{line.total}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Section>
      <Section title="Under way">
        <ErrorBox error={recent.error} />
        {pending.length === 0 ? <p class="muted">Nothing pending.</p> : <MovementList items={pending} />}
      </Section>
      <Section title="Recent">
        {recent.loading && !recent.data ? <Loading what="activity" /> : <MovementList items={done} />}
        <p>
          <a href="/history">All history</a>
        </p>
      </Section>
    </>
  );
}

export function MovementList({ items, onOpen }: { items: HistoryItem[]; onOpen?: (item: HistoryItem) => void }) {
  if (items.length === 0) return <p class="muted">No movements yet.</p>;
  return (
    <ul class="movements">
      {items.map((item) => {
        const outgoing = /out|withdrawal|card_payment/.test(item.type);
        const content = (
          <>
            <span class="what">
              {item.type.replace(/_/g, ' ')} {counterpartyLabel(item) && <>· {counterpartyLabel(item)}</>}
              {item.note && <> · “{item.note}”</>}
              <small class="muted"> {when(item.occurredAt)}</small>
            </span>
            <span class={`amount ${outgoing ? 'out' : 'in'}`}>
              {outgoing ? '−' : '+'}
              {item.amount} {item.currency}
            </span>
            <span class={`status status-${item.status}`}>
              {item.status}
              {item.failureCode && ` (${item.failureCode})`}
            </span>
          </>
        );
        return (
          <li key={`${item.id}-${item.type}`}>
            {onOpen ? (
              <button type="button" class="row" onClick={() => onOpen(item)}>
                {content}
              </button>
            ) : (
              <div class="row">{content}</div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
