import { Redis } from "ioredis";
import pg from "pg";
import type { Logger } from "./logger";

/** A process cannot start; the message is one sentence naming what to fix. */
export class StartupError extends Error {
  override readonly name = "StartupError";
}

const EMBEDDED_HINT = "or unset DATABASE_URL and REDIS_URL to run on the embedded default";

/** host:port of a URL, without credentials, for messages. */
export function where(url: string, defaultPort: number): string {
  try {
    const u = new URL(url);
    return `${u.hostname || "localhost"}:${u.port || defaultPort}`;
  } catch {
    return "(an unparsable URL)";
  }
}

type Attempt = () => Promise<"ok" | { retry: string } | { fatal: string }>;

/**
 * Retries a connection with backoff (0.5 s doubling to 10 s) for at most `seconds`, logging each failed
 * attempt once; a refused login or a bad database name fails at once.
 */
async function retryConnect(
  what: string,
  seconds: number,
  logger: Logger,
  attempt: Attempt,
): Promise<string | undefined> {
  const deadline = Date.now() + seconds * 1000;
  let delay = 500;
  for (let n = 1; ; n++) {
    const outcome = await attempt();
    if (outcome === "ok") return undefined;
    if ("fatal" in outcome) return outcome.fatal;
    const left = deadline - Date.now();
    if (left <= 0) return outcome.retry;
    const wait = Math.min(delay, left);
    logger.warn(
      { attempt: n, retryInMs: wait, err: outcome.retry },
      `${what} is not reachable yet; retrying`,
    );
    await new Promise((r) => setTimeout(r, wait));
    delay = Math.min(delay * 2, 10_000);
  }
}

export async function waitForPostgres(url: string, seconds: number, logger: Logger): Promise<void> {
  const at = where(url, 5432);
  const failure = await retryConnect(`PostgreSQL at ${at} (DATABASE_URL)`, seconds, logger, async () => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on("error", () => {});
    try {
      await client.connect();
      return "ok";
    } catch (error) {
      const code = (error as { code?: string }).code;
      const message = error instanceof Error ? error.message : String(error);
      if (code === "3D000") return "ok"; // the server answers; the database is created by the migration
      if (code === "28P01" || code === "28000")
        return { fatal: `PostgreSQL at ${at} refused the login in DATABASE_URL: ${message}` };
      return { retry: message || String(code) };
    } finally {
      await client.end().catch(() => {});
    }
  });
  if (failure === undefined) return;
  if (failure.startsWith("PostgreSQL at"))
    throw new StartupError(`${failure}. Fix DATABASE_URL, ${EMBEDDED_HINT}`);
  throw new StartupError(
    `cannot reach PostgreSQL at ${at} (DATABASE_URL) after ${seconds} s: ${failure}. ` +
      `Start it, fix DATABASE_URL, ${EMBEDDED_HINT}`,
  );
}

export async function waitForRedis(url: string, seconds: number, logger: Logger): Promise<void> {
  const at = where(url, 6379);
  const failure = await retryConnect(`Redis at ${at} (REDIS_URL)`, seconds, logger, async () => {
    const redis = new Redis(url, {
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
      enableOfflineQueue: false,
      connectTimeout: 5_000,
    });
    redis.on("error", () => {});
    try {
      await redis.connect();
      await redis.ping();
      return "ok";
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/NOAUTH|WRONGPASS|invalid password/i.test(message))
        return { fatal: `Redis at ${at} refused the login in REDIS_URL: ${message}` };
      return { retry: message };
    } finally {
      redis.disconnect();
    }
  });
  if (failure === undefined) return;
  if (failure.startsWith("Redis at")) throw new StartupError(`${failure}. Fix REDIS_URL, ${EMBEDDED_HINT}`);
  throw new StartupError(
    `cannot reach Redis at ${at} (REDIS_URL) after ${seconds} s: ${failure}. Start it, fix REDIS_URL, ${EMBEDDED_HINT}`,
  );
}

const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "EHOSTUNREACH",
  "57P01", // admin_shutdown
  "57P02", // crash_shutdown
  "57P03", // cannot_connect_now (starting up)
  "08000",
  "08001",
  "08003",
  "08006",
]);

/** An error that says the database (or Redis) could not be reached, not that a query was wrong. */
export function isConnectionError(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | null;
  if (!e) return false;
  if (e.code && CONNECTION_CODES.has(e.code)) return true;
  return /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(
    e.message ?? "",
  );
}

/**
 * Runs a start-up step, retrying it while the database is unreachable (a restart that lands inside an
 * outage must wait for it, not die) for at most `seconds`; any other error is thrown at once.
 */
export async function retryWhileUnreachable<T>(
  what: string,
  seconds: number,
  logger: Logger,
  fn: () => Promise<T>,
): Promise<T> {
  let result: { value: T } | undefined;
  let last: unknown;
  await retryConnect(`${what}: the database`, seconds, logger, async () => {
    try {
      result = { value: await fn() };
      return "ok";
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      last = error;
      return { retry: error instanceof Error ? error.message : String(error) };
    }
  });
  if (!result) throw last;
  return result.value;
}
