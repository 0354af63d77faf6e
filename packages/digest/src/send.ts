import { aidAttentionSpec, renderChart, svgToPng } from "@vesti/charts";
import {
  type Database,
  type DigestData,
  loadDigestData,
  pendingDigestSubscribers,
  recordDigestDelivery,
} from "@vesti/db";
import type { Logger } from "@vesti/runtime";
import { type Kysely, sql } from "kysely";
import nodemailer, { type Transporter } from "nodemailer";
import { composeDigest, digestPageUrl } from "./compose";
import { isoWeekLabel } from "./week";

export interface DigestDeps {
  db: Kysely<Database>;
  transport: Transporter;
  /** Sender, "Name <address>" or an address. */
  from: string;
  logger: Logger;
  /** WEB_PUBLIC_URL: the digest links to the trends page for its week there. */
  publicUrl?: string;
}

/** The thesis chart of the digest's weeks as a PNG (inline attachment), or null when there is no week. */
export function digestChartPng(history: DigestData["aidHistory"], weekStart: string): Buffer | null {
  if (history.length === 0) return null;
  const spec = aidAttentionSpec(history, {
    marks: [{ date: weekStart, label: isoWeekLabel(weekStart), kind: "week" }],
    width: 720,
    height: 280,
  });
  // Twice the width, for sharp text on high-density screens; the HTML shows it 600 px wide.
  return svgToPng(renderChart(spec).svg, { width: 1440 });
}

export interface DigestRun {
  weekStart: string;
  /** Messages accepted by the SMTP server in this run. */
  sent: number;
  /** Why nothing was sent, when nothing was. */
  skipped?: "no articles" | "another run holds the week" | "everyone has it";
  failed: { email: string; error: string }[];
}

/** Some subscribers were not sent the digest; `run` says who (the job is retried for them). */
export class DigestDeliveryError extends Error {
  constructor(
    message: string,
    readonly run: DigestRun,
  ) {
    super(message);
    this.name = "DigestDeliveryError";
  }
}

/** An SMTP transport from SMTP_URL (smtp://host:port, smtps://user:pass@host:465). */
export function createMailTransport(url: string): Transporter {
  return nodemailer.createTransport(url);
}

function senderAddress(from: string): string {
  return /<([^>]+)>/.exec(from)?.[1] ?? from.trim();
}

/** The Message-ID of one subscriber's digest for one week: the same on a resend, so it can be deduplicated. */
export function digestMessageId(weekStart: string, subscriberId: number, from: string): string {
  const domain = senderAddress(from).split("@")[1] ?? "vesti.local";
  return `<digest-${weekStart}-${subscriberId}@${domain}>`;
}

/**
 * Sends the digest of the ISO week starting on `weekStart` to every active subscriber who has not had
 * it yet, and records each delivery. Runs of the same week are serialised by a Postgres advisory lock.
 * A delivery is recorded right after the SMTP server accepts the message: a crash between the two
 * resends that one message (with the same Message-ID) on the next run; nobody is sent a week twice
 * otherwise, and nobody is skipped. Failures are collected, and the run then throws, so the job is
 * retried for those subscribers only.
 */
export async function sendWeeklyDigest(deps: DigestDeps, weekStart: string): Promise<DigestRun> {
  const { logger } = deps;
  // One connection for the whole run: the advisory lock is held by the session, and a pool of one
  // (DATABASE_POOL_SIZE=1) must not wait on itself.
  return deps.db.connection().execute(async (db) => {
    const key = `vesti-digest:${weekStart}`;
    const lock = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(db);
    if (!lock.rows[0]?.ok) return { weekStart, sent: 0, skipped: "another run holds the week", failed: [] };
    try {
      const pending = await pendingDigestSubscribers(db, weekStart);
      if (pending.length === 0) return { weekStart, sent: 0, skipped: "everyone has it", failed: [] };
      const data = await loadDigestData(db, weekStart);
      if (data.articles === 0) {
        // Most likely the pipeline was down; sending "nothing happened" would mislead the readers.
        logger.warn({ weekStart }, "no articles stored for the week: digest not sent");
        return { weekStart, sent: 0, skipped: "no articles", failed: [] };
      }
      const run: DigestRun = { weekStart, sent: 0, failed: [] };
      const replyTo = senderAddress(deps.from);
      // One chart for every subscriber of the week.
      const png = digestChartPng(data.aidHistory, weekStart);
      const chartCid = png ? `thesis-${weekStart}@${replyTo.split("@")[1] ?? "vesti.local"}` : undefined;
      const pageUrl = digestPageUrl(deps.publicUrl, weekStart);
      for (const s of pending) {
        const mail = composeDigest(
          data,
          { email: s.email, themes: s.themes, unsubscribeToken: s.unsubscribe_token },
          { ...(chartCid ? { chartCid } : {}), ...(pageUrl ? { pageUrl } : {}) },
        );
        const messageId = digestMessageId(weekStart, s.id, deps.from);
        try {
          await deps.transport.sendMail({
            from: deps.from,
            to: s.email,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            messageId,
            ...(png && chartCid
              ? {
                  attachments: [
                    {
                      filename: `vesti-thesis-${isoWeekLabel(weekStart)}.png`,
                      content: png,
                      contentType: "image/png",
                      cid: chartCid,
                      contentDisposition: "inline" as const,
                    },
                  ],
                }
              : {}),
            headers: {
              "List-Unsubscribe": `<mailto:${replyTo}?subject=unsubscribe%20${s.unsubscribe_token}>`,
            },
          });
        } catch (error) {
          const err = error as Error & { responseCode?: number };
          run.failed.push({ email: s.email, error: err.message });
          logger.warn({ weekStart, email: s.email, err: err.message }, "digest not delivered");
          // No SMTP reply (refused connection, timeout): the server, not this address, is the problem.
          // Stop here; the rest stay pending for the retry.
          if (err.responseCode === undefined) break;
          continue;
        }
        await recordDigestDelivery(db, { subscriberId: s.id, weekStart, messageId });
        run.sent++;
      }
      logger.info({ weekStart, sent: run.sent, failed: run.failed.length }, "weekly digest run");
      if (run.failed.length > 0)
        throw new DigestDeliveryError(
          `digest ${weekStart}: ${pending.length - run.sent} of ${pending.length} not delivered (${run.failed
            .map((f) => `${f.email}: ${f.error}`)
            .join("; ")
            .slice(0, 500)})`,
          run,
        );
      return run;
    } finally {
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(db);
    }
  });
}
