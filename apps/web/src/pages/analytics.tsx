import { useState } from 'preact/hooks';
import { api } from '../api/client';
import { ErrorBox, Loading, Section, download, useApi } from '../ui';

interface Category {
  category: string;
  label: string;
  amount: string;
  count: number;
  share: string;
}

interface Month {
  month: string;
  income: string;
  spending: string;
  net: string;
}

/** The chart's geometry only: amounts are shown as the API's decimal strings, never recomputed. */
function scale(amount: string, max: number): number {
  return max > 0 ? Number(amount) / max : 0;
}

/** Spending by category (this month) and the monthly trend, as plain SVG charts; the CSV export. */
export function AnalyticsPage() {
  const categories = useApi(() => api('GET /api/analytics/categories'));
  const trends = useApi(() => api('GET /api/analytics/trends', { query: { months: 6 } }));
  const [exportError, setExportError] = useState<unknown>(null);

  async function exportCsv() {
    setExportError(null);
    try {
      const answer = await api('GET /api/transactions/export', { query: { format: 'csv' }, text: true });
      download('monay-transactions.csv', String(answer.text), 'text/csv');
    } catch (caught) {
      setExportError(caught);
    }
  }

  return (
    <>
      <h1>Analytics</h1>
      <Section title="Spending by category">
        <ErrorBox error={categories.error} />
        {categories.loading && !categories.data ? (
          <Loading what="categories" />
        ) : (
          <CategoryChart total={String(categories.data?.total ?? '0')} categories={(categories.data?.categories ?? []) as Category[]} />
        )}
      </Section>
      <Section title="Monthly trend">
        <ErrorBox error={trends.error} />
        {trends.loading && !trends.data ? <Loading what="trend" /> : <TrendChart months={(trends.data?.months ?? []) as Month[]} />}
      </Section>
      <Section title="Export">
        <p>Every line of your history as CSV (date, type, amount, fee, USD value, category, merchant, note, status).</p>
        <button type="button" class="secondary" onClick={() => void exportCsv()}>
          Download CSV
        </button>
        <ErrorBox error={exportError} />
      </Section>
    </>
  );
}

function CategoryChart({ total, categories }: { total: string; categories: Category[] }) {
  if (categories.length === 0) return <p class="muted">No spending this month yet.</p>;
  const rowHeight = 34;
  const height = categories.length * rowHeight;
  return (
    <figure>
      <svg
        class="chart"
        data-testid="category-chart"
        viewBox={`0 0 700 ${height}`}
        role="img"
        aria-labelledby="category-chart-title"
        preserveAspectRatio="xMinYMin meet"
      >
        <title id="category-chart-title">Spending by category, total {total} USD</title>
        {categories.map((category, index) => {
          const width = Math.max(2, Number(category.share) * 460);
          const y = index * rowHeight;
          return (
            <g key={category.category}>
              <text x="0" y={y + 14} class="label">
                {category.label}
              </text>
              <rect x="0" y={y + 18} width={width} height="10" rx="3" class="bar spending" />
              <text x={width + 6} y={y + 27} class="value">
                {category.amount} USD
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption class="sr-only">
        {categories.map((category) => `${category.label}: ${category.amount} USD`).join('; ')}
      </figcaption>
    </figure>
  );
}

function TrendChart({ months }: { months: Month[] }) {
  if (months.length === 0) return <p class="muted">No months yet.</p>;
  const max = Math.max(...months.flatMap((month) => [Number(month.income), Number(month.spending)]));
  const width = 700;
  const chartHeight = 180;
  const slot = width / months.length;
  return (
    <figure>
      <svg class="chart" data-testid="trend-chart" viewBox={`0 0 ${width} ${chartHeight + 30}`} role="img" aria-labelledby="trend-title">
        <title id="trend-title">Income and spending per month</title>
        {months.map((month, index) => {
          const x = index * slot + slot * 0.15;
          const bar = slot * 0.32;
          const income = scale(month.income, max) * chartHeight;
          const spending = scale(month.spending, max) * chartHeight;
          return (
            <g key={month.month}>
              <rect x={x} y={chartHeight - income} width={bar} height={income} class="bar income">
                <title>
                  {month.month} income {month.income} USD
                </title>
              </rect>
              <rect x={x + bar} y={chartHeight - spending} width={bar} height={spending} class="bar spending">
                <title>
                  {month.month} spending {month.spending} USD
                </title>
              </rect>
              <text x={x + bar} y={chartHeight + 18} text-anchor="middle" class="label">
                {month.month.slice(5)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <span class="key income">Income</span> <span class="key spending">Spending</span>
      </figcaption>
      <table class="sr-only">
        <caption>Monthly trend</caption>
        <tbody>
          {months.map((month) => (
            <tr key={month.month}>
              <th scope="row">{month.month}</th>
              <td>income {month.income}</td>
              <td>spending {month.spending}</td>
              <td>net {month.net}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
