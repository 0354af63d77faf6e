import { aidAttentionSpec, renderChart, svgToPng } from "@vesti/charts";
import {
  type Database,
  type DigestData,
  loadDigestData,
  pendingDigestSubscribers,
  recordDigestDelivery,
} from "@vesti/db";
import {
  type DeliveryFailure,
  listUnsubscribeHeaders,
  type OutgoingMail,
  unsubscribeUrl as pageUnsubscribeUrl,
  sendEachOnce,
  senderAddress,
  stableMessageId,
  type Transporter,
  withSessionLock,
} from "@vesti/mail";
import type { Logger } from "@vesti/runtime";
import type { Kysely } from "kysely";
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
  failed: DeliveryFailure[];
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

/** The Message-ID of one subscriber's digest for one week: the same on a resend, so it can be deduplicated. */
export function digestMessageId(weekStart: string, subscriberId: number, from: string): string {
  return stableMessageId(["digest", weekStart, subscriberId], from);
}

/**
 * Sends the digest of the ISO week starting on `weekStart` to every active subscriber who has not had
 * it yet, and records each delivery, with @vesti/mail's once-only loop: runs of the same week are
 * serialised by a Postgres advisory lock; a delivery is recorded right after the SMTP server accepts the
 * message, so a crash between the two resends that one message (with the same Message-ID) on the next
 * run; nobody is sent a week twice otherwise, and nobody is skipped. Failures are collected, and the run
 * then throws, so the job is retried for those subscribers only.
 */
export async function sendWeeklyDigest(deps: DigestDeps, weekStart: string): Promise<DigestRun> {
  const { logger } = deps;
  const run = await withSessionLock(deps.db, `vesti-digest:${weekStart}`, async (db): Promise<DigestRun> => {
    const pending = await pendingDigestSubscribers(db, weekStart);
    if (pending.length === 0) return { weekStart, sent: 0, skipped: "everyone has it", failed: [] };
    const data = await loadDigestData(db, weekStart);
    if (data.articles === 0) {
      // Most likely the pipeline was down; sending "nothing happened" would mislead the readers.
      logger.warn({ weekStart }, "no articles stored for the week: digest not sent");
      return { weekStart, sent: 0, skipped: "no articles", failed: [] };
    }
    const replyTo = senderAddress(deps.from);
    // One chart for every subscriber of the week, inline (cid:) with a table of bars after it for mail
    // clients that block images.
    const png = digestChartPng(data.aidHistory, weekStart);
    const chartCid = png ? `thesis-${weekStart}@${replyTo.split("@")[1] ?? "vesti.local"}` : undefined;
    const pageUrl = digestPageUrl(deps.publicUrl, weekStart);
    const result = await sendEachOnce(
      deps,
      pending,
      (s): OutgoingMail => {
        const unsubscribeUrl = pageUnsubscribeUrl(deps.publicUrl, s.unsubscribe_token);
        return {
          to: s.email,
          ...composeDigest(
            data,
            { email: s.email, themes: s.themes, unsubscribeToken: s.unsubscribe_token },
            {
              ...(chartCid ? { chartCid } : {}),
              ...(pageUrl ? { pageUrl } : {}),
              ...(unsubscribeUrl ? { unsubscribeUrl } : {}),
            },
          ),
          messageId: digestMessageId(weekStart, s.id, deps.from),
          // The page's link (one-click) and a reply to the sender; without a public page, the reply only.
          headers: listUnsubscribeHeaders(
            unsubscribeUrl,
            `mailto:${replyTo}?subject=unsubscribe%20${s.unsubscribe_token}`,
          ),
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
        };
      },
      (s, messageId) => recordDigestDelivery(db, { subscriberId: s.id, weekStart, messageId }).then(() => {}),
      { weekStart },
    );
    const done: DigestRun = { weekStart, sent: result.sent, failed: result.failed };
    logger.info({ weekStart, sent: done.sent, failed: done.failed.length }, "weekly digest run");
    if (done.failed.length > 0)
      throw new DigestDeliveryError(
        `digest ${weekStart}: ${pending.length - done.sent} of ${pending.length} not delivered (${done.failed
          .map((f) => `${f.email}: ${f.error}`)
          .join("; ")
          .slice(0, 500)})`,
        done,
      );
    return done;
  });
  return run.locked ? run.value : { weekStart, sent: 0, skipped: "another run holds the week", failed: [] };
}
