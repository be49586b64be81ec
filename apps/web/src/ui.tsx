import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { ApiError, type Answer } from './api/client';

export const CURRENCIES = ['USDC', 'USDT', 'PYUSD', 'EURC'] as const;
export type Currency = (typeof CURRENCIES)[number];
export const AMOUNT = /^(?:0|[1-9]\d{0,14})(?:\.\d{1,6})?$/;

/** Checks a decimal string amount as typed; never turns it into a float. */
export function amountProblem(value: string): string | null {
  if (!value.trim()) return 'Enter an amount.';
  if (!AMOUNT.test(value.trim())) return 'Use digits with at most 6 decimals, like 12.50.';
  if (/^0(?:\.0*)?$/.test(value.trim())) return 'The amount must be more than zero.';
  return null;
}

/** Runs an API call on mount (and when `deps` change), with loading and error state. */
export function useApi<T = Answer>(call: () => Promise<T>, deps: unknown[] = []) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const reload = useCallback(() => {
    setLoading(true);
    call()
      .then((answer) => {
        setData(answer);
        setError(null);
      })
      .catch(setError)
      .finally(() => setLoading(false));
  }, deps);
  useEffect(reload, [reload]);
  return { data, error, loading, reload };
}

export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : null;
  return (
    <div class="error" role="alert">
      {apiError ? (
        <>
          <strong data-code={apiError.code}>{apiError.code}</strong>: {apiError.message}
          {apiError.requestId && <small> (request {apiError.requestId})</small>}
        </>
      ) : (
        String(error instanceof Error ? error.message : error)
      )}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="muted" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

export function Field(props: {
  label: string;
  id: string;
  hint?: string;
  problem?: string | null;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <small id={`${props.id}-hint`} class="muted">
          {props.hint}
        </small>
      )}
      {props.problem && (
        <small id={`${props.id}-problem`} class="problem" role="alert">
          {props.problem}
        </small>
      )}
    </div>
  );
}

export function CurrencySelect(props: { id: string; value: Currency; onChange: (value: Currency) => void }) {
  return (
    <select id={props.id} value={props.value} onChange={(e) => props.onChange(e.currentTarget.value as Currency)}>
      {CURRENCIES.map((code) => (
        <option key={code} value={code}>
          {code}
        </option>
      ))}
    </select>
  );
}

export function Section(props: { title: string; children: ComponentChildren; id?: string }) {
  const id = props.id ?? props.title.toLowerCase().replace(/[^a-z]+/g, '-');
  return (
    <section aria-labelledby={id} class="card">
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

export function value(event: { currentTarget: { value: string } }): string {
  return event.currentTarget.value;
}

export function when(iso: unknown): string {
  return typeof iso === 'string' ? new Date(iso).toLocaleString() : '';
}

/** Downloads text the API answered (an export) as a file. */
export function download(name: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
