import {
  addDays,
  addPeriods,
  alertMessage,
  type DetectorParams,
  formatShare,
  type Granularity,
  isDay,
  periodLabel,
} from "@vesti/alerts";
import { loadConfig } from "@vesti/config";
import {
  type AlertQuery,
  type Database,
  findAlertQuery,
  listAlertQueries,
  listAlerts,
  loadAlertSeries,
  removeAlertQuery,
  saveAlertQuery,
  setAlertQueryActive,
} from "@vesti/db";
import { createMailTransport } from "@vesti/mail";
import { createLogger, createMetrics } from "@vesti/runtime";
import {
  alertEmail,
  detectQuery,
  factsOf,
  morningAfter,
  paramsOf,
  processDetectAlerts,
} from "@vesti/scheduler";
import { THEME_IDS } from "@vesti/themes";
import { type Command, Option } from "commander";
import type { Kysely } from "kysely";
import { formatTable } from "./sources";
import { withDb } from "./with-db";

// `vesti alerts`: analysts' saved queries and the spike alerts raised on them (docs/alerts.md).

const list = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function themesOf(value: string): string[] {
  const themes = list(value);
  if (themes.length === 0) throw new Error("--themes needs at least one theme");
  for (const t of themes)
    if (!(THEME_IDS as readonly string[]).includes(t))
      throw new Error(`unknown theme "${t}"; use some of: ${THEME_IDS.join(", ")}`);
  return themes;
}

function day(name: string, value: string): string {
  if (!isDay(value)) throw new Error(`${name} must be a date as YYYY-MM-DD, not "${value}"`);
  return value;
}

function number(name: string, value: string, integer: boolean): number {
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new Error(`${name} must be a number, not "${value}"`);
  return n;
}

/** "kosovo, putin; outlet country RS; language sr" */
export function describeQuery(
  q: Pick<AlertQuery, "themes" | "langs" | "countries" | "outlets" | "collections" | "scripts">,
): string {
  const parts = [q.themes.join(" or ")];
  if (q.langs.length > 0) parts.push(`language ${q.langs.join(",")}`);
  if (q.countries.length > 0) parts.push(`outlet country ${q.countries.join(",")}`);
  if (q.outlets.length > 0) parts.push(`outlet ${q.outlets.join(",")}`);
  if (q.collections.length > 0) parts.push(`collection ${q.collections.join(",")}`);
  if (q.scripts.length > 0) parts.push(`script ${q.scripts.join(",")}`);
  return parts.join("; ");
}

/** The morning after `asOf` (a UTC day): as the daily run sees it, that day is the last complete one. */
const nowOf = (asOf: string | undefined) => (asOf ? morningAfter(asOf) : new Date());

async function mustFind(db: Kysely<Database>, name: string): Promise<AlertQuery> {
  const q = await findAlertQuery(db, name);
  if (!q) throw new Error(`no saved query "${name}" (vesti alerts list shows them)`);
  return q;
}

/** A warning when the query's recent periods mostly have too few articles to be tested. */
async function volumeWarning(
  db: Kysely<Database>,
  q: AlertQuery,
  params: DetectorParams,
): Promise<string | null> {
  // The recent past of the data, not of the clock: a demo or archive database ends years ago.
  const latest = await db
    .selectFrom("article_daily_counts")
    .select((eb) => eb.fn.max("day").as("day"))
    .executeTakeFirst();
  const yesterday = addDays(new Date().toISOString().slice(0, 10), -1);
  const to = latest?.day && latest.day < yesterday ? latest.day : yesterday;
  const from = addDays(to, q.granularity === "day" ? -27 : -7 * 12 + 1);
  const rows = await loadAlertSeries(db, q, { from, to });
  if (rows.length === 0) return `no articles match this query between ${from} and ${to}: check its filters`;
  const byPeriod = new Map<string, number>();
  for (const r of rows) byPeriod.set(r.period, (byPeriod.get(r.period) ?? 0) + r.articles);
  const volumes = [...byPeriod.values()].sort((a, b) => a - b);
  const median = volumes[volumes.length >> 1]!;
  if (median >= params.minArticles) return null;
  return (
    `the query's ${q.granularity === "day" ? "days" : "weeks"} had a median of ${median} articles recently; ` +
    `periods with fewer than ${params.minArticles} are not tested` +
    (q.granularity === "day" ? " (try --by week)" : "")
  );
}

interface AddOptions {
  themes: string;
  by: Granularity;
  lang?: string;
  country?: string;
  outlet?: string;
  collection?: string;
  script?: string;
  notify?: string;
  direction: "up" | "down" | "both";
  minMentions?: string;
  minArticles?: string;
  z?: string;
  inactive?: boolean;
}

export function registerAlertCommands(program: Command): void {
  const alerts = program
    .command("alerts")
    .description("saved queries and the spike alerts raised on them (docs/alerts.md)");

  alerts
    .command("add <name>")
    .description("save a query to watch (or replace the one with this name)")
    .requiredOption("--themes <ids>", `any of these themes, comma-separated: ${THEME_IDS.join(", ")}`)
    .addOption(
      new Option("--by <period>", "test each UTC day or each ISO week")
        .choices(["day", "week"])
        .default("day"),
    )
    .option("--lang <codes>", "only articles in these languages (sr,ru,en,...)")
    .option("--country <CCs>", "only outlets of these countries (RS,RU,...)")
    .option("--outlet <ids>", "only these outlets")
    .option("--collection <names>", "only outlets in these collections (infra/sources.yaml)")
    .option("--script <scripts>", "only articles in this script: Cyrl, Latn or mixed (also cyrillic, latin)")
    .option("--notify <emails>", "e-mail the alerts to these addresses, comma-separated")
    .addOption(
      new Option("--direction <d>", "alert on rises, falls or both")
        .choices(["up", "down", "both"])
        .default("up"),
    )
    .option("--min-mentions <n>", "override the minimum mentions (day: 5, week: 10)")
    .option("--min-articles <n>", "override the minimum articles of a tested period (day: 20, week: 100)")
    .option("--z <z>", "override the threshold (day: 3.75, week: 3)")
    .option("--inactive", "save it paused")
    .action(async (name: string, o: AddOptions) => {
      const themes = themesOf(o.themes);
      const params: Partial<DetectorParams> = {};
      if (o.minMentions !== undefined) params.minMentions = number("--min-mentions", o.minMentions, true);
      if (o.minArticles !== undefined) params.minArticles = number("--min-articles", o.minArticles, true);
      if (o.z !== undefined) params.z = number("--z", o.z, false);
      const directions = o.direction === "both" ? (["up", "down"] as const) : ([o.direction] as const);
      // Refuse parameters the detector would refuse, now rather than at 02:30.
      paramsOf({ granularity: o.by, params, directions: [...directions] });
      const { query, created, warning } = await withDb(async (db) => {
        const saved = await saveAlertQuery(db, {
          name,
          themes,
          langs: list(o.lang),
          countries: list(o.country),
          outlets: list(o.outlet),
          collections: list(o.collection),
          scripts: list(o.script),
          granularity: o.by,
          directions: [...directions],
          params,
          recipients: list(o.notify),
          active: !o.inactive,
        });
        return { ...saved, warning: await volumeWarning(db, saved.query, paramsOf(saved.query)) };
      });
      process.stdout.write(
        `${created ? "saved" : "replaced"} "${query.name}": ${describeQuery(query)}, by ${query.granularity}` +
          `${query.recipients.length > 0 ? `, notifies ${query.recipients.join(", ")}` : ", notifies nobody"}` +
          `${query.active ? "" : " (paused)"}\n`,
      );
      if (warning) process.stderr.write(`warning: ${warning}\n`);
    });

  alerts
    .command("list")
    .description("every saved query, with its last alert")
    .option("--json", "one JSON object per line")
    .action(async (o: { json?: boolean }) => {
      const rows = await withDb(async (db) => {
        const queries = await listAlertQueries(db);
        const all = await listAlerts(db);
        return queries.map((q) => ({ q, last: all.filter((a) => a.query_id === q.id).at(-1) }));
      });
      if (o.json) {
        for (const { q, last } of rows)
          process.stdout.write(
            `${JSON.stringify({ ...q, last_alert: last ? { period: last.period, message: last.message } : null })}\n`,
          );
        return;
      }
      process.stdout.write(
        `${formatTable(
          rows.map(({ q, last }) => ({
            name: q.name,
            query: describeQuery(q),
            by: q.granularity,
            directions: q.directions.join(","),
            notifies: String(q.recipients.length),
            active: q.active ? "yes" : "no",
            "last alert": last ? `${last.period} (${last.direction})` : "-",
          })),
        )}\n`,
      );
    });

  alerts
    .command("remove <name>")
    .description("delete a saved query with its alerts")
    .action(async (name: string) => {
      if (!(await withDb((db) => removeAlertQuery(db, name)))) throw new Error(`no saved query "${name}"`);
      process.stdout.write(`removed "${name}"\n`);
    });

  for (const [command, active] of [
    ["pause", false],
    ["resume", true],
  ] as const)
    alerts
      .command(`${command} <name>`)
      .description(active ? "test a paused query again" : "stop testing a query (its alerts stay)")
      .action(async (name: string) => {
        if (!(await withDb((db) => setAlertQueryActive(db, name, active))))
          throw new Error(`no saved query "${name}"`);
        process.stdout.write(`${active ? "resumed" : "paused"} "${name}"\n`);
      });

  alerts
    .command("notify <name>")
    .description("change who is e-mailed a query's alerts")
    .option("--add <emails>", "addresses to add")
    .option("--remove <emails>", "addresses to remove")
    .action(async (name: string, o: { add?: string; remove?: string }) => {
      const query = await withDb(async (db) => {
        const q = await mustFind(db, name);
        const remove = new Set(list(o.remove).map((s) => s.toLowerCase()));
        const recipients = [...q.recipients.filter((r) => !remove.has(r)), ...list(o.add)];
        return (await saveAlertQuery(db, { ...q, recipients })).query;
      });
      process.stdout.write(
        `"${query.name}" notifies ${query.recipients.length > 0 ? query.recipients.join(", ") : "nobody"}\n`,
      );
    });

  alerts
    .command("check")
    .description("run the detector now: store and e-mail new alerts (SMTP_URL), or only print them")
    .option("--name <name>", "only this saved query (even if paused)")
    .option("--dry-run", "print what the detector finds; store and send nothing")
    .option("--as-of <YYYY-MM-DD>", "as on the morning after this UTC day (that day is the last one tested)")
    .option("--since <YYYY-MM-DD>", "with --dry-run: every episode since this day, not just the recent ones")
    .action(async (o: { name?: string; dryRun?: boolean; asOf?: string; since?: string }) => {
      if (o.asOf) day("--as-of", o.asOf);
      if (o.since) day("--since", o.since);
      if (o.since && !o.dryRun)
        throw new Error("--since only goes with --dry-run (old episodes are never raised)");
      const now = nowOf(o.asOf);
      if (o.dryRun) {
        const out = await withDb(async (db) => {
          const queries = o.name
            ? [await mustFind(db, o.name)]
            : await listAlertQueries(db, { activeOnly: true });
          const lines: string[] = [];
          for (const q of queries) {
            const d = await detectQuery(db, q, now, o.since ? { since: o.since } : {});
            const last = d.detection.periods.at(-1)!;
            const state =
              last.status === "tested"
                ? `${last.mentions} of ${last.articles} articles (${formatShare(last.share!)}), expected ${formatShare(last.expected!)}, z = ${last.z!.toFixed(1)}`
                : last.status === "no-data"
                  ? `no data (${last.articles} articles)`
                  : `not tested (too few earlier ${q.granularity}s with data)`;
            lines.push(
              `"${q.name}" (${describeQuery(q)}, by ${q.granularity}), ${periodLabel(d.lastPeriod, q.granularity)}: ${state}`,
            );
            const known = await listAlerts(db, { queryId: q.id });
            for (const e of d.candidates) {
              // The processor's rule: an alert whose episode reached within `cooldown` periods is this one.
              const reach = addPeriods(e.start, -d.params.cooldown, q.granularity);
              const stored = known.find(
                (a) => a.direction === e.direction && a.period <= e.end && a.last_period >= reach,
              );
              const message = alertMessage(factsOf(q, e, d.params.method));
              lines.push(`  ${stored ? `alerted #${stored.id}` : "new"}: ${message}`);
            }
            if (d.candidates.length === 0)
              lines.push(`  no episode since ${periodLabel(d.horizonStart, q.granularity)}`);
          }
          return lines;
        });
        process.stdout.write(out.length > 0 ? `${out.join("\n")}\n` : "no active saved queries\n");
        return;
      }
      const config = loadConfig();
      const transport = createMailTransport(config.SMTP_URL);
      try {
        const run = await withDb(async (db) => {
          const queryId = o.name ? (await mustFind(db, o.name)).id : undefined;
          return processDetectAlerts(
            {
              db,
              transport,
              from: config.DIGEST_FROM,
              logger: createLogger("alerts", config.LOG_LEVEL),
              ...(config.WEB_PUBLIC_URL ? { publicUrl: config.WEB_PUBLIC_URL } : {}),
              metrics: createMetrics("cli"),
              now: () => now,
            },
            queryId !== undefined ? { queryId } : {},
          );
        });
        for (const r of run.raised) process.stdout.write(`raised #${r.alertId}: ${r.message}\n`);
        process.stdout.write(
          `${run.queries} queries tested, ${run.raised.length} alerts raised, ${run.emails.sent} e-mails sent` +
            `${run.skipped ? ` (${run.skipped})` : ""}\n`,
        );
      } finally {
        transport.close();
      }
    });

  alerts
    .command("history")
    .description("the alerts raised, oldest first (the marks of a trends chart)")
    .option("--name <name>", "only this saved query")
    .option("--theme <id>", "only queries on this theme")
    .option("--since <YYYY-MM-DD>", "alerts whose episode reaches this day or later")
    .option("--until <YYYY-MM-DD>", "alerts whose episode starts on or before this day")
    .option("--json", "one JSON object per line")
    .action(async (o: { name?: string; theme?: string; since?: string; until?: string; json?: boolean }) => {
      const rows = await withDb((db) =>
        listAlerts(db, {
          ...(o.name ? { query: o.name } : {}),
          ...(o.theme ? { theme: o.theme } : {}),
          ...(o.since ? { from: day("--since", o.since) } : {}),
          ...(o.until ? { to: day("--until", o.until) } : {}),
        }),
      );
      if (o.json) {
        for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
        return;
      }
      process.stdout.write(
        `${formatTable(
          rows.map((r) => ({
            id: String(r.id),
            query: r.query,
            period: r.granularity === "day" ? r.period : periodLabel(r.period, "week").split(" ")[0]!,
            until:
              r.granularity === "day" ? r.last_period : periodLabel(r.last_period, "week").split(" ")[0]!,
            dir: r.direction,
            share: formatShare(r.share),
            baseline: `${formatShare(r.baseline_share)} ± ${formatShare(r.baseline_spread)}`,
            z: r.z.toFixed(1),
          })),
        )}\n`,
      );
    });

  alerts
    .command("preview <alert-id>")
    .description("print a stored alert's e-mail as a recipient gets it (nothing is sent)")
    .option("--html", "the HTML part instead of the text part")
    .action(async (id: string, o: { html?: boolean }) => {
      const alertId = number("<alert-id>", id, true);
      const mail = await withDb(async (db) => {
        const alert = (await listAlerts(db)).find((a) => a.id === alertId);
        if (!alert) throw new Error(`no alert #${alertId} (vesti alerts history lists them)`);
        return alertEmail(db, alert, "preview@example.org");
      });
      process.stdout.write(o.html ? mail.html : `Subject: ${mail.subject}\n\n${mail.text}`);
    });
}
