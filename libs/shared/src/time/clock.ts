import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { DomainError } from '../kernel/domain-error';

/** The sandbox clock moves only outside production. */
export class ClockNotAdjustableError extends DomainError {
  readonly code = 'CLOCK_NOT_ADJUSTABLE';
  readonly kind = 'forbidden';
  constructor() {
    super('The clock can only be advanced outside production');
  }
}

/**
 * The application's one clock (architecture.md, "Jobs and time"): every rule that depends on time reads `now()` —
 * code and hold expiries, business days, lock periods, request and invite expiry — and passes it to SQL as a
 * parameter rather than using the database's `now()`.
 *
 * Outside production it is a sandbox clock: an admin (or a test) advances it, and advancing runs whatever became due
 * (`DueWork`), so that a three-day ACH or a seven-day lock period runs in milliseconds. The offset is kept in the
 * database, so a restart and the other processes (which read it again before each due-work sweep) keep the same time.
 * Production uses the real clock and refuses to move it.
 */
@Injectable()
export class Clock implements OnApplicationBootstrap {
  private readonly logger = new Logger('Clock');
  private offsetMs = 0;
  readonly adjustable: boolean;

  constructor(
    config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {
    this.adjustable = config.env !== 'production';
  }

  async onApplicationBootstrap(): Promise<void> {
    try {
      await this.sync();
    } catch (error) {
      this.logger.warn(`Could not read the sandbox clock's offset: ${String(error)}`);
    }
  }

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  /** How far the sandbox clock is ahead of the real one. */
  offset(): number {
    return this.offsetMs;
  }

  /** Moves the sandbox clock `ms` ahead (never back: what is done is done) and returns the new time. */
  async advance(ms: number): Promise<Date> {
    if (!this.adjustable) throw new ClockNotAdjustableError();
    const [row] = (await this.dataSource.query(
      `INSERT INTO sandbox_clock (id, offset_ms) VALUES (1, $1)
       ON CONFLICT (id) DO UPDATE SET offset_ms = sandbox_clock.offset_ms + EXCLUDED.offset_ms, updated_at = now()
       RETURNING offset_ms::text AS offset_ms`,
      [Math.trunc(ms)],
    )) as Array<{ offset_ms: string }>;
    this.offsetMs = Number(row.offset_ms);
    return this.now();
  }

  /** Reads the offset another process may have moved. */
  async sync(): Promise<void> {
    if (!this.adjustable) return;
    const rows = (await this.dataSource.query(
      `SELECT offset_ms::text AS offset_ms FROM sandbox_clock WHERE id = 1`,
    )) as Array<{ offset_ms: string }>;
    this.offsetMs = rows.length > 0 ? Number(rows[0].offset_ms) : 0;
  }
}
