import { z } from "zod";

// Every setting Vesti reads, in one place. Each entry carries its default and a description so the
// README's configuration table can be checked against this file (see test/config.test.ts).

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

interface Setting {
  schema: z.ZodType;
  default: string | undefined;
  description: string;
}

function setting<T extends z.ZodType>(schema: T, defaultValue: string | undefined, description: string) {
  return { schema, default: defaultValue, description } satisfies Setting;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);

export const settings = {
  DATABASE_URL: setting(
    z.url({ protocol: /^postgres(ql)?$/ }),
    "postgres://postgres@127.0.0.1:5432/vesti",
    "PostgreSQL connection string. The database is created on first migration if it does not exist.",
  ),
  DATABASE_POOL_SIZE: setting(int(1, 200), "10", "Maximum connections in each process's pool."),
  REDIS_URL: setting(
    z.url({ protocol: /^rediss?$/ }),
    "redis://127.0.0.1:6379",
    "Redis for the BullMQ queues.",
  ),
  QUEUE_PREFIX: setting(z.string().min(1), "vesti", "Key prefix for every BullMQ queue in Redis."),
  SMTP_URL: setting(
    z.url({ protocol: /^smtps?$/ }),
    "smtp://127.0.0.1:1025",
    "SMTP server for the weekly digest email (Mailpit in docker-compose); smtps://user:pass@host:465 for TLS.",
  ),
  DIGEST_FROM: setting(
    z.string().min(3),
    "Vesti <digest@vesti.local>",
    "Sender of the weekly digest and of alert e-mails; replies to it are where unsubscribe requests arrive.",
  ),
  DIGEST_CRON: setting(
    z.string().regex(/^\S+( \S+){4,5}$/, "a cron pattern of 5 or 6 fields"),
    "0 7 * * 1",
    "When the scheduler sends the weekly digest (cron, in DIGEST_TIME_ZONE); it covers the last complete ISO week.",
  ),
  DIGEST_TIME_ZONE: setting(
    z.string().refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "an IANA time zone"),
    "Europe/Belgrade",
    "Time zone of DIGEST_CRON and ALERTS_CRON.",
  ),
  ALERTS_CRON: setting(
    z.string().regex(/^\S+( \S+){4,5}$/, "a cron pattern of 5 or 6 fields"),
    "30 2 * * *",
    "When the scheduler runs the spike detector on every saved query (cron, in DIGEST_TIME_ZONE): after the previous UTC day's counts settle; weekly queries are tested on the first run after their ISO week ends.",
  ),
  LOG_LEVEL: setting(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    "info",
    "pino log level.",
  ),
  HTTP_PORT: setting(
    int(0, 65535),
    "9464",
    "Port of each service's /healthz and /metrics endpoint (0 picks a free port).",
  ),
  HTTP_HOST: setting(z.string().min(1), "0.0.0.0", "Interface the /healthz and /metrics endpoint binds to."),
  SOURCES_FILE: setting(z.string().min(1), undefined, "Sources YAML synced into the database."),
  OPS_BOARD_AUTH: setting(
    z.string().regex(/^[^:]+:.+$/, "user:password"),
    undefined,
    "user:password for the Bull Board at /queues (HTTP basic auth); unset, the board asks for no login.",
  ),
  SCHEDULER_TICK_SECONDS: setting(
    int(1, 3600),
    "60",
    "How often the scheduler's tick looks for feeds that are due.",
  ),
  FETCH_LOG_RETENTION_DAYS: setting(
    int(1),
    "30",
    "Days of per-fetch history (feed_fetches) kept; older rows are pruned by the scheduler's tick.",
  ),
  POLL_MIN_INTERVAL_SECONDS: setting(int(1), "300", "Lower bound of a feed's adaptive polling interval."),
  POLL_MAX_INTERVAL_SECONDS: setting(int(60), "86400", "Upper bound of a feed's adaptive polling interval."),
  POLL_DEFAULT_INTERVAL_SECONDS: setting(int(1), "1800", "Polling interval of a feed not fetched yet."),
  FETCH_CONNECT_TIMEOUT_MS: setting(int(100), "10000", "TCP/TLS connect timeout per request."),
  FETCH_TOTAL_TIMEOUT_MS: setting(
    int(100),
    "30000",
    "Total time allowed for one feed request, body included.",
  ),
  FETCH_MAX_BODY_BYTES: setting(
    int(1024),
    "20971520",
    "Largest feed body accepted, measured after decompression (gzip bombs).",
  ),
  FETCH_MAX_REDIRECTS: setting(int(0, 20), "5", "Redirects followed per request (loops are refused)."),
  FETCH_USER_AGENT: setting(
    z.string().min(3),
    "Vesti/0.1 (+https://github.com/vesti-news/vesti; media monitoring)",
    "User-Agent sent with every request.",
  ),
  FETCH_ALLOW_PRIVATE_NETWORKS: setting(
    bool,
    "false",
    "Allow feed URLs that resolve to loopback/private/link-local addresses (tests and local mirrors only).",
  ),
  HOST_MIN_SPACING_MS: setting(int(0), "2000", "Minimum spacing between two requests to the same host."),
  INGEST_CONCURRENCY: setting(int(1, 256), "8", "Feed jobs one ingest worker runs at once."),
  JOB_LOCK_MS: setting(
    int(1000),
    "60000",
    "Lock on an active job; a crashed worker's jobs are retried once it expires (also the stalled-job check interval).",
  ),
  SHUTDOWN_TIMEOUT_MS: setting(int(100), "15000", "Grace period for in-flight jobs on SIGTERM/SIGINT."),
} as const;

export type SettingName = keyof typeof settings;
export type Config = { [K in SettingName]: z.output<(typeof settings)[K]["schema"]> };

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parse settings from an environment; throws a ConfigError naming every bad variable. */
export function parseConfig(env: Record<string, string | undefined> = process.env): Config {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const [name, s] of Object.entries(settings) as [string, Setting][]) {
    const raw = env[name] === "" ? undefined : env[name];
    const value = raw ?? s.default;
    if (value === undefined) {
      out[name] = undefined;
      continue;
    }
    const result = s.schema.safeParse(value);
    if (result.success) out[name] = result.data;
    else
      problems.push(
        `${name}=${JSON.stringify(value)}: ${result.error.issues.map((i) => i.message).join("; ")}`,
      );
  }
  const cfg = out as Config;
  if (cfg.POLL_MIN_INTERVAL_SECONDS > cfg.POLL_MAX_INTERVAL_SECONDS)
    problems.push("POLL_MIN_INTERVAL_SECONDS must not exceed POLL_MAX_INTERVAL_SECONDS");
  if (problems.length > 0) throw new ConfigError(`invalid configuration:\n  ${problems.join("\n  ")}`);
  return cfg;
}

let cached: Config | undefined;
/** The process's configuration, parsed once from process.env. */
export function loadConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
