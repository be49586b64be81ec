import type { Logger } from '@nestjs/common';
import { AppConfig, ConfigError, loadConfig } from '../config/app-config';

/** Configuration or a one-line explanation and exit code 1: a process never runs half-configured. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

/**
 * SIGTERM/SIGINT: stop accepting, let in-flight work finish, close pools (`close`), exit. A shutdown
 * that hangs past `timeoutMs` is cut short.
 */
export function installGracefulShutdown(close: () => Promise<void>, timeoutMs: number, logger: Logger): void {
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: no new connections, finishing in-flight work`);
    setTimeout(() => {
      logger.error(`Shutdown took longer than ${timeoutMs} ms, exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(`Shutdown failed: ${String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}
