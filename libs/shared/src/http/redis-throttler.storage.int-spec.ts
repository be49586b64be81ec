import { randomBytes } from 'node:crypto';

import Redis from 'ioredis';

import { RedisThrottlerStorage } from './redis-throttler.storage';

const url = process.env.REDIS_URL;
// Runs where the suites run on Redis (CI's PostgreSQL + Redis pass); the embedded default has no Redis.
const describeOnRedis = url ? describe : describe.skip;

describeOnRedis('RedisThrottlerStorage on Redis', () => {
  let redis: Redis;
  let storage: RedisThrottlerStorage;
  const prefix = `monay-test-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    redis = new Redis(url as string);
    storage = new RedisThrottlerStorage(redis, prefix);
    // Until the connection is ready the storage counts in memory (it never waits on Redis): start connected.
    await redis.ping();
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('counts a fixed window and blocks past the limit for the block duration', async () => {
    const hits = [];
    for (let i = 0; i < 4; i += 1) hits.push(await storage.increment('ip-1', 60_000, 3, 30_000, 'default'));
    expect(hits.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, true],
    ]);
    expect(hits[0].timeToExpire).toBe(60);
    expect(hits[3].timeToBlockExpire).toBe(30);
    // Another key, another window; the counter lives in Redis, where another replica would read it.
    expect((await storage.increment('ip-2', 60_000, 3, 30_000, 'default')).totalHits).toBe(1);
    expect(await redis.get(`${prefix}:throttle:default:ip-1`)).toBe('4');
  });

  it('keeps counting when Redis has forgotten the script (a restart, SCRIPT FLUSH)', async () => {
    expect((await storage.increment('ip-3', 60_000, 10, 0, 'default')).totalHits).toBe(1);
    await redis.script('FLUSH');
    expect((await storage.increment('ip-3', 60_000, 10, 0, 'default')).totalHits).toBe(2);
    expect(await redis.get(`${prefix}:throttle:default:ip-3`)).toBe('2');
  });
});
