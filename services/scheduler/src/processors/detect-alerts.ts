import { createHash } from "node:crypto";
import {
  type AlertArticle,
  type AlertFacts,
  addDays,
  addPeriods,
  alertMessage,
  composeAlertEmail,
  DEFAULT_PARAMS,
  type Detection,
  type DetectorParams,
  detect,
  type Episode,
  type Granularity,
  isDay,
  lastCompletePeriod,
  periodEnd,
  periodOf,
  seriesFromRows,
  validateParams,
} from "@vesti/alerts";
import {
  type AlertQuery,
  type AlertRow,
  alertArticles,
  type Database,
  listAlertQueries,
  loadAlertSeries,
  markAlertDelivered,
  pendingAlertDeliveries,
  recordEpisode,
  retagInProgress,
  themeLabels,
} from "@vesti/db";
import {
  type DeliveryFailure,
  listUnsubscribeHeaders,
  type MailDeps,
  type OutgoingMail,
  sendEachOnce,
  stableMessageId,
  unsubscribeUrl,
  withSessionLock,
} from "@vesti/mail";
import type { Payload, QueueName } from "@vesti/queue";
import type { Metrics } from "@vesti/runtime";
import type { Kysely } from "kysely";

// The alerts job (docs/alerts.md): for every active saved query, load its series, run the detector,
// store the episodes that are new, and e-mail them once. The BullMQ worker (scheduler.ts), the embedded
// runner and `vesti alerts check` all call processDetectAlerts; `vesti alerts check --dry-run` calls
// detectQuery alone.

export interface DetectAlertsDeps extends MailDeps {
  db: Kysely<Database>;
  /** Where readers reach the trends page (WEB_PUBLIC_URL): each e-mail then carries an unsubscribe link. */
  publicUrl?: string;
  metrics: Pick<Metrics, "alertsRaised" | "alertEmails">;
  /** The clock: the last complete day (or ISO week) before it is the last one tested. */
  now: () => Date;
}

/**
 * How many periods back an episode may start and still be raised (counting the last complete one): a
 * missed run, or a day whose articles arrived late, is caught up; older episodes (a query's history
 * when it is created) are not alerted.
 */
export const ALERT_HORIZON: Readonly<Record<Granularity, number>> = { day: 7, week: 2 };

/** The detector's parameters for a saved query: the documented defaults, its overrides, its directions. */
export function paramsOf(query: Pick<AlertQuery, "granularity" | "params" | "directions">): DetectorParams {
  const params = { ...DEFAULT_PARAMS[query.granularity], ...query.params, directions: query.directions };
  validateParams(params);
  return params;
}

export interface QueryDetection {
  query: AlertQuery;
  params: DetectorParams;
  /** The last complete period (tested), and the first period an episode may start in to be raised. */
  lastPeriod: string;
  horizonStart: string;
  detection: Detection;
  /** Episodes that start within the horizon: what a run raises, unless they were raised already. */
  candidates: Episode[];
}

/**
 * Runs the detector on one saved query as of `now`, reading only. The series starts early enough for
 * the baselines and episodes of every period in the horizon to be what they would be with all of
 * history. `since` (a day) widens the horizon, to look back over a query's past.
 */
export async function detectQuery(
  db: Kysely<Database>,
  query: AlertQuery,
  now: Date,
  options: { since?: string } = {},
): Promise<QueryDetection> {
  const g = query.granularity;
  const params = paramsOf(query);
  const lastPeriod = lastCompletePeriod(now, g);
  const horizonStart = options.since
    ? periodOf(options.since, g)
    : addPeriods(lastPeriod, -(ALERT_HORIZON[g] - 1), g);
  const from = addPeriods(horizonStart, -(params.maxLookback + params.window), g);
  const rows = await loadAlertSeries(db, query, { from, to: lastPeriod });
  const detection = detect(seriesFromRows(rows, { from, to: lastPeriod }, g), g, params);
  const candidates = detection.episodes.filter((e) => e.start >= horizonStart && e.start <= lastPeriod);
  return { query, params, lastPeriod, horizonStart, detection, candidates };
}

/** The morning after a UTC day: the moment at which that day is the last complete one. */
export function morningAfter(day: string): Date {
  if (!isDay(day)) throw new Error(`a day is YYYY-MM-DD, not "${day}"`);
  return new Date(`${addDays(day, 1)}T00:30:00Z`);
}

/** The numbers of an episode, as stored with its alert and shown in its message. */
export function factsOf(
  query: Pick<AlertQuery, "name" | "granularity">,
  e: Episode,
  method: string,
): AlertFacts {
  const t = e.trigger;
  return {
    queryName: query.name,
    granularity: query.granularity,
    direction: e.direction,
    period: e.start,
    mentions: t.mentions,
    articles: t.articles,
    share: t.share!,
    expectedShare: t.expected!,
    baselineShare: t.baseline!.share,
    baselineSpread: t.baseline!.spread,
    baselinePeriods: t.baseline!.periods,
    z: t.z!,
    pValue: t.p!,
    method,
  };
}

/** An alert e-mail's Message-ID: the same on a resend (the recipient's address is hashed, not shown). */
export function alertMessageId(alertId: number, email: string, from: string): string {
  const who = createHash("sha256").update(email).digest("hex").slice(0, 16);
  return stableMessageId(["alert", alertId, who], from);
}

export interface AlertsRun {
  /** Saved queries tested. */
  queries: number;
  raised: { alertId: number; query: string; direction: "up" | "down"; period: string; message: string }[];
  /** Episodes already alerted that went on (their last period moved). */
  extended: number;
  emails: { sent: number; failed: DeliveryFailure[] };
  /** Queries that could not be tested, and why (the run then throws, so the job is retried). */
  errors: { query: string; error: string }[];
  skipped?: "retag in progress";
}

/** Some alerts were not e-mailed, or some queries not tested; `run` says which (the job is retried). */
export class AlertsRunError extends Error {
  constructor(
    message: string,
    readonly run: AlertsRun,
  ) {
    super(message);
    this.name = "AlertsRunError";
  }
}

/**
 * The alerts job: detects on every active saved query (of the payload's granularity, or one query),
 * stores the new episodes as alerts, with one delivery row per recipient, and e-mails every delivery
 * still pending. Idempotent: an episode is stored once (alerts' unique key, and an overlapping episode
 * of the same query and direction counts as the same one), runs on one query are serialised by an
 * advisory lock, and e-mails go through @vesti/mail's once-only loop. While a retag runs, shares are too
 * low, so nothing is tested (pending e-mails still go out); the next run catches up within the horizon.
 */
export async function processDetectAlerts(
  deps: DetectAlertsDeps,
  payload: Payload<typeof QueueName.Alerts>,
): Promise<AlertsRun> {
  const { db, logger } = deps;
  const now = payload.asOf ? morningAfter(payload.asOf) : deps.now();
  const run: AlertsRun = { queries: 0, raised: [], extended: 0, emails: { sent: 0, failed: [] }, errors: [] };
  if (await retagInProgress(db)) {
    logger.warn("a retag is in progress: shares are too low until it finishes, alerts wait for the next run");
    run.skipped = "retag in progress";
  } else {
    const queries = await listAlertQueries(db, {
      activeOnly: payload.queryId === undefined,
      ...(payload.granularity ? { granularity: payload.granularity } : {}),
      ...(payload.queryId !== undefined ? { id: payload.queryId } : {}),
    });
    for (const query of queries) {
      try {
        const locked = await withSessionLock(db, `vesti-alerts:query:${query.id}`, (conn) =>
          raiseForQuery(deps, conn, query, now, run),
        );
        if (!locked.locked) logger.info({ query: query.name }, "another run holds this query: skipped");
        else run.queries++;
      } catch (error) {
        // One bad query must not keep the others from being tested.
        const message = error instanceof Error ? error.message : String(error);
        run.errors.push({ query: query.name, error: message });
        logger.error({ query: query.name, err: message }, "saved query not tested");
      }
    }
  }
  run.emails = await sendAlertEmails(deps);
  logger.info(
    { queries: run.queries, raised: run.raised.length, extended: run.extended, emails: run.emails.sent },
    "alerts run",
  );
  if (run.errors.length > 0 || run.emails.failed.length > 0)
    throw new AlertsRunError(
      `alerts: ${run.errors.length} queries not tested, ${run.emails.failed.length} e-mails not delivered (${[
        ...run.errors.map((e) => `${e.query}: ${e.error}`),
        ...run.emails.failed.map((f) => `${f.email}: ${f.error}`),
      ]
        .join("; ")
        .slice(0, 500)})`,
      run,
    );
  return run;
}

async function raiseForQuery(
  deps: DetectAlertsDeps,
  db: Kysely<Database>,
  query: AlertQuery,
  now: Date,
  run: AlertsRun,
): Promise<void> {
  const d = await detectQuery(db, query, now);
  const g = query.granularity;
  for (const e of d.detection.episodes) {
    const facts = factsOf(query, e, d.params.method);
    const message = alertMessage(facts);
    const result = await recordEpisode(
      db,
      {
        queryId: query.id,
        granularity: g,
        direction: e.direction,
        period: e.start,
        lastPeriod: e.end,
        shift: e.shift,
        mentions: facts.mentions,
        articles: facts.articles,
        share: facts.share,
        expectedShare: facts.expectedShare,
        baselineShare: facts.baselineShare,
        baselineSpread: facts.baselineSpread,
        baselinePeriods: facts.baselinePeriods,
        z: facts.z,
        pValue: facts.pValue,
        method: facts.method,
        message,
      },
      {
        raise: d.candidates.includes(e),
        // An alert whose episode reached within `cooldown` periods of this one's start is the same one.
        sameEpisodeFrom: addPeriods(e.start, -d.params.cooldown, g),
        recipients: query.recipients,
        messageId: (alertId, email) => alertMessageId(alertId, email, deps.from),
      },
    );
    if (result.outcome === "raised") {
      deps.metrics.alertsRaised.inc({ granularity: g, direction: e.direction });
      run.raised.push({
        alertId: result.alertId!,
        query: query.name,
        direction: e.direction,
        period: e.start,
        message,
      });
      deps.logger.info({ query: query.name, period: e.start, direction: e.direction, z: facts.z }, message);
    } else if (result.outcome === "extended") run.extended++;
  }
}

/** What a stored alert says, for its e-mail. */
function alertFacts(a: AlertRow): AlertFacts {
  return {
    queryName: a.query,
    granularity: a.granularity,
    direction: a.direction,
    period: a.period,
    mentions: a.mentions,
    articles: a.articles,
    share: a.share,
    expectedShare: a.expected_share,
    baselineShare: a.baseline_share,
    baselineSpread: a.baseline_spread,
    baselinePeriods: a.baseline_periods,
    z: a.z,
    pValue: a.p_value,
    method: a.method,
  };
}

/** The latest articles behind a stored alert: its period, its query's filters. */
function latestAlertArticles(db: Kysely<Database>, alert: AlertRow): Promise<AlertArticle[]> {
  return alertArticles(db, alert, { from: alert.period, to: periodEnd(alert.period, alert.granularity) });
}

/** The e-mail of a stored alert to one recipient, with the latest articles of its period. */
export async function alertEmail(
  db: Kysely<Database>,
  alert: AlertRow,
  recipient: string,
  labels?: Map<string, string>,
  unsubscribeUrl?: string,
  /** The alert's latest articles, when the caller has read them already (one read for all recipients). */
  latest?: Promise<AlertArticle[]>,
): Promise<ReturnType<typeof composeAlertEmail>> {
  const names = labels ?? (await themeLabels(db));
  const articles = await (latest ?? latestAlertArticles(db, alert));
  return composeAlertEmail(
    alertFacts(alert),
    {
      name: alert.query,
      themes: alert.themes.map((id) => ({ id, label: names.get(id) ?? id })),
      langs: alert.langs,
      countries: alert.countries,
      outlets: alert.outlets,
      collections: alert.collections,
      scripts: alert.scripts,
      granularity: alert.granularity,
    },
    articles,
    recipient,
    unsubscribeUrl,
  );
}

/**
 * Sends every alert e-mail still pending, once (@vesti/mail: one run at a time, each delivery recorded
 * right after the SMTP server accepts it, the same Message-ID on a resend after a crash).
 */
export async function sendAlertEmails(
  deps: DetectAlertsDeps,
): Promise<{ sent: number; failed: DeliveryFailure[] }> {
  const locked = await withSessionLock(deps.db, "vesti-alerts:mail", async (db) => {
    const pending = await pendingAlertDeliveries(db);
    if (pending.length === 0) return { sent: 0, failed: [] };
    const labels = await themeLabels(db);
    // One read of an alert's articles for all its recipients.
    const latest = new Map<number, Promise<AlertArticle[]>>();
    const latestOf = (a: AlertRow) => {
      let p = latest.get(a.id);
      if (!p) {
        p = latestAlertArticles(db, a);
        latest.set(a.id, p);
      }
      return p;
    };
    const result = await sendEachOnce(
      deps,
      pending,
      async (p): Promise<OutgoingMail> => {
        const link = unsubscribeUrl(deps.publicUrl, p.unsubscribe_token);
        return {
          to: p.email,
          ...(await alertEmail(db, p.alert, p.email, labels, link, latestOf(p.alert))),
          messageId: p.message_id,
          headers: listUnsubscribeHeaders(link),
        };
      },
      async (p) => {
        await markAlertDelivered(db, { alertId: p.alert.id, email: p.email });
      },
      { job: "alerts" },
    );
    return { sent: result.sent, failed: result.failed };
  });
  const outcome = locked.locked ? locked.value : { sent: 0, failed: [] };
  deps.metrics.alertEmails.inc({ outcome: "sent" }, outcome.sent);
  deps.metrics.alertEmails.inc({ outcome: "failed" }, outcome.failed.length);
  return outcome;
}
