import { INestApplication } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { AppConfig } from '#monay/shared';

// Nest's adapter pins its own socket.io copy; its types, not the top-level package's, describe this server.
type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;

/**
 * The Socket.IO server setup: CORS from `CORS_ORIGINS`. No cluster adapter: every API process reads the outbox for
 * its own sockets (RealtimeAnnouncer), so nothing is emitted from one process to another's.
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplication,
    private readonly config: AppConfig,
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    return super.createIOServer(port, {
      ...options,
      cors: { origin: this.config.corsOrigins, credentials: true },
    } as IoServerOptions);
  }
}
