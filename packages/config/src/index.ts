import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
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
  /** Settings of the embedded mode only; docker-compose (the distributed mode) has no use for them. */
  embeddedOnly?: boolean;
}

// Overloads keep "has a default" in the type, so a setting without one is `| undefined` in Config.
function setting<T extends z.ZodType>(
  schema: T,
  defaultValue: string,
  description: string,
  options?: { embeddedOnly?: boolean },
): { schema: T; default: string; description: string; embeddedOnly?: boolean };
function setting<T extends z.ZodType>(
  schema: T,
  defaultValue: undefined,
  description: string,
  options?: { embeddedOnly?: boolean },
): { schema: T; default: undefined; description: string; embeddedOnly?: boolean };
function setting<T extends z.ZodType>(
  schema: T,
  defaultValue: string | undefined,
  description: string,
  options: { embeddedOnly?: boolean } = {},
): Setting {
  return { schema, default: defaultValue, description, ...options };
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const cron = () => z.string().regex(/^\S+( \S+){4,5}$/, "a cron pattern of 5 or 6 fields");
const userPassword = () => z.string().regex(/^[^:]+:.+$/, "user:password");

export const settings = {
  DATABASE_URL: setting(
    z.url({ protocol: /^postgres(ql)?$/ }),
    undefined,
    "PostgreSQL connection string; the database is created on first migration if it does not exist. Unset: the embedded PostgreSQL in VESTI_HOME.",
  ),
  DATABASE_POOL_SIZE: setting(int(1, 200), "10", "Maximum connections in each process's pool."),
  REDIS_URL: setting(
    z.url({ protocol: /^rediss?$/ }),
    undefined,
    "Redis for the BullMQ queues (the distributed mode; needs DATABASE_URL too). Unset: jobs run in-process.",
  ),
  VESTI_HOME: setting(
    z.string().min(1),
    undefined,
    "Folder of the embedded mode's data: PostgreSQL's files, its password and log.",
    { embeddedOnly: true },
  ),
  EMBEDDED_PG_PORT: setting(
    int(1, 65535),
    "54329",
    "Loopback port of the embedded PostgreSQL (psql and notebooks connect there while Vesti runs).",
    { embeddedOnly: true },
  ),
  STARTUP_RETRY_SECONDS: setting(
    int(0, 3600),
    "60",
    "How long a process retries an unreachable DATABASE_URL or REDIS_URL at start before it exits with an error.",
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
    cron(),
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
    cron(),
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
    userPassword(),
    undefined,
    "user:password for the Bull Board at /queues (HTTP basic auth); unset, the board asks for no login.",
  ),
  WEB_HOST: setting(
    z.string().min(1),
    "127.0.0.1",
    "Interface the trends page (vesti serve, the web service) binds to; loopback only unless changed.",
  ),
  WEB_PORT: setting(int(0, 65535), "8080", "Port of the trends page (0 picks a free port)."),
  WEB_AUTH: setting(
    userPassword(),
    undefined,
    "user:password for the trends page (HTTP basic auth, as OPS_BOARD_AUTH); unset, no login. /healthz and /unsubscribe stay open.",
  ),
  WEB_PUBLIC_URL: setting(
    z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, "")),
    undefined,
    "Where readers reach the trends page (e.g. https://vesti.example.org); the digest links to its week there, and every digest and alert e-mail carries a one-click unsubscribe link (/unsubscribe). Unset, no link: unsubscribe through the operator.",
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
  SITEMAP_MAX_BODY_BYTES: setting(
    int(1024),
    "52428800",
    "Largest sitemap accepted, after decompression and after gunzip of .xml.gz (the protocol's limit is 50 MiB).",
  ),
  SITEMAP_MAX_CHILDREN: setting(
    int(1, 1000),
    "5",
    "Children of a sitemap index fetched per poll (the most recently modified; unchanged ones are skipped).",
  ),
  SITEMAP_CHILD_MAX_AGE_DAYS: setting(
    int(1),
    "3",
    "Children of a sitemap index whose lastmod is older than this are not fetched.",
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
  PAGE_FETCH_CONCURRENCY: setting(
    int(1, 256),
    "4",
    "Article page fetches (outlets with full text on) one ingest worker runs at once; each host still gets one request at a time.",
  ),
  PAGE_FETCH_MIN_SPACING_MS: setting(
    int(0),
    "5000",
    "Minimum time between a page request and any other request to the same host, before and after it (longer when robots.txt gives a Crawl-delay).",
  ),
  PAGE_FETCH_TIMEOUT_MS: setting(
    int(100),
    "30000",
    "Total time allowed for one article page request, body included.",
  ),
  PAGE_FETCH_RETRIES: setting(
    int(0, 10),
    "3",
    "Retries of a page answered with 429 or 5xx (after its Retry-After, else a backoff); other failures are not retried.",
  ),
  PAGE_FETCH_CATCH_UP_DAYS: setting(
    int(0, 365),
    "2",
    "The scheduler's tick enqueues page fetches for articles of full-text outlets published this many days back that still have no body (after a crash or an outage, or when an outlet turns full text on); 0: none.",
  ),
  JOB_LOCK_MS: setting(
    int(1000),
    "60000",
    "Lock on an active job; a crashed worker's jobs are retried once it expires (also the stalled-job check interval).",
  ),
  SHUTDOWN_TIMEOUT_MS: setting(int(100), "15000", "Grace period for in-flight jobs on SIGTERM/SIGINT."),
} as const;

export type SettingName = keyof typeof settings;
/** A setting without a default is undefined when unset. */
type SettingValue<S extends { schema: z.ZodType; default: string | undefined }> = S["default"] extends string
  ? z.output<S["schema"]>
  : z.output<S["schema"]> | undefined;
export type Config = { [K in SettingName]: SettingValue<(typeof settings)[K]> };

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

// --- modes ----------------------------------------------------------------------------------------

/**
 * How a process runs, from which URLs are set:
 * - distributed: DATABASE_URL and REDIS_URL; the services on BullMQ and Postgres, scaled by processes;
 * - local: DATABASE_URL only; one process, in-process jobs, on that PostgreSQL server;
 * - embedded: neither; one process, in-process jobs, on an embedded PostgreSQL in VESTI_HOME.
 */
export type Mode =
  | { kind: "distributed"; databaseUrl: string; redisUrl: string; why: string }
  | { kind: "local"; databaseUrl: string; why: string }
  | { kind: "embedded"; home: string; port: number; why: string };

/** The default VESTI_HOME: `.vesti/` at the repository's root, wherever the command was started from. */
export const DEFAULT_VESTI_HOME = fileURLToPath(new URL("../../../.vesti", import.meta.url));

export function resolveMode(config: Config): Mode {
  const { DATABASE_URL: databaseUrl, REDIS_URL: redisUrl } = config;
  if (databaseUrl && redisUrl)
    return { kind: "distributed", databaseUrl, redisUrl, why: "DATABASE_URL and REDIS_URL are set" };
  if (redisUrl)
    throw new ConfigError(
      "REDIS_URL is set but DATABASE_URL is not: the distributed mode needs both (set DATABASE_URL too), " +
        "and the embedded mode needs neither (unset REDIS_URL)",
    );
  if (databaseUrl)
    return {
      kind: "local",
      databaseUrl,
      why: "DATABASE_URL is set and REDIS_URL is not: jobs run in this process",
    };
  const home = config.VESTI_HOME
    ? isAbsolute(config.VESTI_HOME)
      ? config.VESTI_HOME
      : resolve(process.env.INIT_CWD ?? process.cwd(), config.VESTI_HOME)
    : DEFAULT_VESTI_HOME;
  return {
    kind: "embedded",
    home,
    port: config.EMBEDDED_PG_PORT,
    why: "neither DATABASE_URL nor REDIS_URL is set",
  };
}
