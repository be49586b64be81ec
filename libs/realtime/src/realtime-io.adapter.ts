import { INestApplication, Logger } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import Redis from 'ioredis';
import type { AppConfig } from '#monay/shared';

// Nest's adapter pins its own socket.io copy; its types, not the top-level package's, describe this server.
type IoServer = ReturnType<IoAdapter['createIOServer']>;
type IoServerOptions = NonNullable<Parameters<IoAdapter['createIOServer']>[1]>;

/**
 * The Socket.IO server setup: CORS from `CORS_ORIGINS`, and with `REDIS_URL` the Redis adapter (a publishing and
 * a subscribing connection, channels under `REDIS_PREFIX`), so an event emitted on one API process reaches a
 * user's sockets on every other. Its Redis connections close when the application does.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly log = new Logger('RealtimeIoAdapter');
  private readonly redis: { pub: Redis; sub: Redis } | undefined;
  private readonly redisAdapter: ReturnType<typeof createAdapter> | undefined;

  constructor(
    app: INestApplication,
    private readonly config: AppConfig,
  ) {
    super(app);
    if (config.redis) {
      const pub = new Redis(config.redis.url, { maxRetriesPerRequest: 2 });
      const sub = pub.duplicate();
      for (const client of [pub, sub]) client.on('error', (error) => this.log.warn(error.message));
      // The adapter drops the promise of every publish: while Redis is down each one would reject unhandled,
      // which ends the process. Cross-replica delivery is at most once anyway (clients catch up via /missed).
      const publish = pub.publish.bind(pub);
      pub.publish = ((channel: string, message: string) =>
        publish(channel, message).catch((error: Error) => {
          this.log.warn(`Socket.IO event not published to other replicas: ${error.message}`);
          return 0;
        })) as typeof pub.publish;
      this.redis = { pub, sub };
      this.redisAdapter = createAdapter(pub, sub, { key: `${config.redis.prefix}:socket.io` });
    }
  }

  override createIOServer(port: number, options?: IoServerOptions): IoServer {
    const server = super.createIOServer(port, {
      ...options,
      cors: { origin: this.config.corsOrigins, credentials: true },
    } as IoServerOptions);
    if (this.redisAdapter) server.adapter(this.redisAdapter);
    return server;
  }

  override async dispose(): Promise<void> {
    await super.dispose();
    if (!this.redis) return;
    await Promise.all(
      [this.redis.pub, this.redis.sub].map((client) => client.quit().catch(() => client.disconnect())),
    );
  }
}
