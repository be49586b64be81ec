import type { ProviderMode, ProviderName, ProviderStartMode } from '#monay/shared';

/**
 * How one sandbox provider behaves right now (DESIGN.md, Providers). Shared by every process through the
 * `sandbox_provider_settings` row:
 * - `healthy`: answers after its usual latency;
 * - `degraded`: `addedLatencyMs` more (× latency scale) and `failureRate` of mutating calls refused with
 *   ProviderUnavailableError before anything is accepted;
 * - `outage`: every call fails fast with ProviderUnavailableError, nothing is recorded;
 * - `timeout`: mutating calls are recorded (and complete normally) but the caller gets ProviderTimeoutError
 *   after `providers.callTimeoutMs`; reads still answer; health times out. With `late`, the write lands
 *   late: `lateByMs` after the caller's timeout (default: half the call timeout), so a status query made
 *   right after the timeout says "not found" — a request that reached the provider and is paid afterwards,
 *   as a real one stuck in a queue or a network is.
 * `failAfterAcceptRate` is the share of accepted transactions that end FAILED at settlement, in any mode.
 * `failureRate` and `addedLatencyMs` apply in healthy mode too when set (their default there is 0).
 */
export interface SandboxSettings {
  name: ProviderName;
  mode: ProviderMode;
  failureRate: number;
  addedLatencyMs: number;
  failAfterAcceptRate: number;
  /** Timeout mode only: the write lands after the call timed out (and after a status query right after it). */
  late: boolean;
  /** How long after the caller's timeout a late write lands; null: half the call timeout. */
  lateByMs: number | null;
  updatedAt: Date;
}

export interface SandboxSettingsChange {
  mode: ProviderMode;
  failureRate?: number;
  addedLatencyMs?: number;
  failAfterAcceptRate?: number;
  late?: boolean;
  lateByMs?: number;
}

/** A degraded provider's defaults: +400 ms per call (× latency scale) and 30 % refused. */
export const DEGRADED_DEFAULTS = { failureRate: 0.3, addedLatencyMs: 400 } as const;

/**
 * The full settings a change stands for: omitted values take the mode's defaults (a PUT replaces them all),
 * so `{ mode: 'healthy' }` always means a clean, healthy provider. `late` only ever applies to timeout mode.
 */
export function settingsOf(
  name: ProviderName,
  change: SandboxSettingsChange,
  updatedAt: Date,
): SandboxSettings {
  const defaults = change.mode === 'degraded' ? DEGRADED_DEFAULTS : { failureRate: 0, addedLatencyMs: 0 };
  const late = change.mode === 'timeout' && change.late === true;
  return {
    name,
    mode: change.mode,
    failureRate: change.failureRate ?? defaults.failureRate,
    addedLatencyMs: change.addedLatencyMs ?? defaults.addedLatencyMs,
    failAfterAcceptRate: change.failAfterAcceptRate ?? 0,
    late,
    lateByMs: late ? (change.lateByMs ?? null) : null,
    updatedAt,
  };
}

/** The change a configured start mode (`PROVIDER_MODE_<NAME>`) stands for. */
export function changeOfStartMode(mode: ProviderStartMode): SandboxSettingsChange {
  return mode === 'timeout-late' ? { mode: 'timeout', late: true } : { mode };
}
