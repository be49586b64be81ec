import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, CachedRead, PROVIDER_NAMES, type ProviderName } from '#monay/shared';
import { SandboxLateNeedsTimeoutError, SandboxProviderNotFoundError } from './sandbox.errors';
import { SandboxRepository } from './sandbox.repository';
import {
  changeOfStartMode,
  settingsOf,
  type SandboxSettings,
  type SandboxSettingsChange,
} from './sandbox-settings';

/** How long a process trusts its copy of the settings before reading the shared row again. */
export const SETTINGS_CACHE_MS = 250;

/**
 * Reads and switches the sandbox providers' modes. The `sandbox_provider_settings` rows are the truth shared
 * by every process; each process keeps a copy for at most {@link SETTINGS_CACHE_MS}, and updates its own copy
 * at once when it changes a mode (so the caller's next request already sees it). Start modes come from
 * `config.providers.modes`.
 */
@Injectable()
export class SandboxControl implements OnApplicationBootstrap {
  private readonly current = new CachedRead(
    async () => new Map((await this.repository.loadSettings()).map((row) => [row.name, row])),
    SETTINGS_CACHE_MS,
  );

  constructor(
    private readonly repository: SandboxRepository,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.applyConfiguredModes();
  }

  /** Applies each provider's configured start mode (see SandboxRepository.applyConfiguredMode). */
  async applyConfiguredModes(): Promise<void> {
    const now = new Date();
    for (const name of PROVIDER_NAMES) {
      const configured = this.config.providers.modes[name];
      await this.repository.applyConfiguredMode(
        settingsOf(name, changeOfStartMode(configured), now),
        configured,
      );
    }
    this.current.invalidate();
  }

  async settingsOf(name: ProviderName): Promise<SandboxSettings> {
    const all = await this.current.get();
    const settings = all.get(name);
    if (settings) return settings;
    // No row yet (a process that skipped bootstrap): the configured start mode.
    await this.applyConfiguredModes();
    return (
      (await this.current.get()).get(name) ??
      settingsOf(name, changeOfStartMode(this.config.providers.modes[name]), new Date())
    );
  }

  async list(): Promise<SandboxSettings[]> {
    const settings: SandboxSettings[] = [];
    for (const name of PROVIDER_NAMES) settings.push(await this.settingsOf(name));
    return settings;
  }

  /**
   * Switches a provider's mode. Omitted values take the mode's defaults (degraded: failure rate 0.3 and
   * +400 ms; otherwise 0), so the settings after a change are exactly the ones it describes. `late` (and
   * `lateByMs`) only in timeout mode.
   */
  async set(name: string, change: SandboxSettingsChange): Promise<SandboxSettings> {
    const provider = PROVIDER_NAMES.find((candidate) => candidate === name);
    if (!provider) throw new SandboxProviderNotFoundError(name);
    if ((change.late || change.lateByMs !== undefined) && change.mode !== 'timeout') {
      throw new SandboxLateNeedsTimeoutError(change.mode);
    }
    const settings = settingsOf(provider, change, new Date());
    await this.repository.saveSettings(settings, this.config.providers.modes[provider]);
    const all = await this.current.get();
    all.set(provider, settings);
    return settings;
  }

  /** Forgets this process's copy (tests that change the rows behind its back). */
  invalidate(): void {
    this.current.invalidate();
  }
}
