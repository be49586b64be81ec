import type { CpuSplit } from './api-load';
import type { LatencySummary } from './stats';

/** The Markdown cells every section of the report writes (timings and counts: numbers are fine here). */
export const fmt = (value: number | null | undefined, digits = 0): string =>
  value == null || !Number.isFinite(value)
    ? '–'
    : value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const ms = (value: number | null | undefined) => fmt(value, value != null && value < 10 ? 2 : 1);
export const lat = (l: LatencySummary | undefined) =>
  l ? `${ms(l.p50Ms)} / ${ms(l.p95Ms)} / ${ms(l.p99Ms)}` : '–';
export const times = (value: number | null) => (value == null ? '–' : `${value.toFixed(3)}×`);

export function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

/** CPU cores of a load phase: API / worker / PostgreSQL / load generator / other / machine busy. */
export function cpuCell(load: { cpu: CpuSplit }): string {
  const c = load.cpu;
  return `${c.apiCores ?? '–'} / ${c.workerCores ?? '–'} / ${c.postgresCores ?? '–'} / ${c.loadGeneratorCores} / ${c.otherCores} / ${c.machineBusyCores}`;
}

/** The header of {@link cpuCell}'s column. */
export const CPU_COLUMN = 'CPU cores: API / worker / PostgreSQL / load gen / other / machine busy';
