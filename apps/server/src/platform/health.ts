import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Connections } from './config.ts';
import { openDatabase, SQLITE_FILE } from './db/database.ts';

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

const reason = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * `kameng health`: what a container or supervisor probes a process with that opens no port (a worker).
 * It answers whether the database this configuration names answers a query and Redis (when configured)
 * a PING, each within `timeoutMs`. Returns what failed; empty means healthy. Never creates a database.
 */
export async function checkConnections(c: Connections, timeoutMs = 5000): Promise<string[]> {
  const problems: string[] = [];
  if (!c.databaseUrl && !existsSync(join(c.dataDir, SQLITE_FILE))) {
    problems.push(`database: no ${SQLITE_FILE} in ${c.dataDir}`);
  } else {
    const database = openDatabase({ databaseUrl: c.databaseUrl, dataDir: c.dataDir, poolSize: 1 });
    try {
      await within(timeoutMs, 'the database', sql`select 1`.execute(database.db));
    } catch (err) {
      problems.push(`database: ${reason(err)}`);
    } finally {
      void database.close().catch(() => {});
    }
  }
  if (c.redisUrl) {
    const redis = new Redis(c.redisUrl, {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      connectTimeout: timeoutMs,
    });
    // ioredis rejects connect() with "Connection is closed"; the error event says why
    let cause: unknown;
    redis.on('error', (err) => {
      cause ??= err;
    });
    try {
      await within(
        timeoutMs,
        'Redis',
        redis.connect().then(() => redis.ping()),
      );
    } catch (err) {
      problems.push(`redis: ${reason(cause ?? err)}`);
    } finally {
      redis.disconnect();
    }
  }
  return problems;
}
