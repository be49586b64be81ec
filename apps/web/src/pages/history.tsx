import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Answer } from '../api/client';
import { CURRENCIES, ErrorBox, Loading, Section, download, useApi, when } from '../ui';
import { MovementList, counterpartyLabel, type HistoryItem } from './dashboard';

const TYPES = ['transfer_in', 'transfer_out', 'deposit', 'withdrawal', 'swap_in', 'swap_out', 'card_payment', 'card_refund', 'reward'] as const;
type HistoryType = (typeof TYPES)[number];

/** `GET /api/transactions` with currency and type filters, cursor pages, a detail drawer, and the CSV export. */
export function HistoryPage() {
  const [currency, setCurrency] = useState('');
  const [type, setType] = useState('');
  const [items, setItems] = useState<HistoryItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [open, setOpen] = useState<HistoryItem | null>(null);
  const [exportError, setExportError] = useState<unknown>(null);
  const query = { limit: 20, ...(currency && { currency }), ...(type && { type: type as HistoryType }) };
  const page = useApi(() => api('GET /api/transactions', { query }), [currency, type]);

  useEffect(() => {
    if (!page.data) return;
    setItems(page.data.transactions as HistoryItem[]);
    setCursor((page.data.nextCursor as string | null) ?? null);
  }, [page.data]);

  async function more() {
    if (!cursor) return;
    const answer = await api('GET /api/transactions', { query: { ...query, cursor } });
    setItems((current) => [...current, ...(answer.transactions as HistoryItem[])]);
    setCursor((answer.nextCursor as string | null) ?? null);
  }

  async function exportCsv() {
    setExportError(null);
    try {
      const answer = await api('GET /api/transactions/export', { query: { format: 'csv' }, text: true });
      download(`monay-transactions-${new Date().toISOString().slice(0, 10)}.csv`, String(answer.text), 'text/csv');
    } catch (caught) {
      setExportError(caught);
    }
  }

  return (
    <>
      <h1>History</h1>
      <div class="card filters" role="search">
        <label>
          Currency
          <select value={currency} onChange={(e) => setCurrency(e.currentTarget.value)}>
            <option value="">All</option>
            {CURRENCIES.map((code) => (
              <option key={code}>{code}</option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
            <option value="">All</option>
            {TYPES.map((name) => (
              <option key={name} value={name}>
                {name.replace(/_/g, ' ')}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={() => void exportCsv()}>
          Export CSV
        </button>
      </div>
      <ErrorBox error={exportError} />
      <ErrorBox error={page.error} />
      {page.loading && items.length === 0 ? <Loading what="history" /> : <MovementList items={items} onOpen={setOpen} />}
      {cursor && (
        <button type="button" class="secondary" onClick={() => void more()}>
          Load more
        </button>
      )}
      {open && <Drawer item={open} onClose={() => setOpen(null)} />}
    </>
  );
}

/** One movement in full; for a transfer its timeline from `GET /api/p2p-transfer/status/:id`. */
function Drawer({ item, onClose }: { item: HistoryItem; onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const transfer = item.type.startsWith('transfer');
  const status = useApi<Answer | null>(
    () => (transfer ? api('GET /api/p2p-transfer/status/{id}', { params: { id: item.id } }) : Promise.resolve(null)),
    [item.id],
  );
  useEffect(() => {
    ref.current?.focus();
    const close = (event: KeyboardEvent) => event.key === 'Escape' && onClose();
    addEventListener('keydown', close);
    return () => removeEventListener('keydown', close);
  }, [item.id]);
  const history = (status.data?.history ?? []) as Array<{ status: string; at: string; reason?: string }>;
  return (
    <div class="drawer" role="dialog" aria-modal="true" aria-labelledby="drawer-title" tabIndex={-1} ref={ref}>
      <Section title="Movement" id="drawer-title">
        <dl class="facts">
          <dt>Type</dt>
          <dd>{item.type.replace(/_/g, ' ')}</dd>
          <dt>Amount</dt>
          <dd>
            {item.amount} {item.currency}
          </dd>
          <dt>Fee</dt>
          <dd>{item.fee}</dd>
          <dt>Status</dt>
          <dd>
            {item.status}
            {item.failureCode && ` (${item.failureCode})`}
          </dd>
          {counterpartyLabel(item) && (
            <>
              <dt>Counterparty</dt>
              <dd>{counterpartyLabel(item)}</dd>
            </>
          )}
          {item.note && (
            <>
              <dt>Note</dt>
              <dd>{item.note}</dd>
            </>
          )}
          <dt>When</dt>
          <dd>{when(item.occurredAt)}</dd>
          <dt>Reference</dt>
          <dd>
            <code>{item.id}</code>
          </dd>
        </dl>
        {transfer && (
          <>
            <h3>Timeline</h3>
            <ErrorBox error={status.error} />
            {status.loading ? (
              <Loading what="timeline" />
            ) : (
              <ol class="timeline" data-testid="timeline">
                {history.map((step, index) => (
                  <li key={index}>
                    {step.status} <small class="muted">{when(step.at)}</small>
                    {step.reason && ` — ${step.reason}`}
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </Section>
    </div>
  );
}
