import type { Logger } from "@vesti/runtime";
import { type Kysely, sql } from "kysely";
import type { Transporter } from "nodemailer";

// The once-only delivery loop the digest and the alerts share. Its guarantee, given a delivery row per
// message that the caller writes in `record`:
// - Runs that hold the same key are serialised by a Postgres session advisory lock (withSessionLock).
// - A message is recorded right after the SMTP server accepts it, and only messages without a record are
//   sent: nothing recorded is ever sent again.
// - A crash between the server's acceptance and the record (the one window no SMTP client can close)
//   sends that message once more on the next run, with the same Message-ID, so mail systems can drop
//   the copy. Nothing else is resent, and nothing is lost.
// - A refused recipient (an SMTP error reply) is collected and skipped; an unreachable server (no reply)
//   stops the loop, leaving the rest for the retry.

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  /** Stable for this message (stableMessageId), so a resend is recognisable. */
  messageId: string;
  headers?: Record<string, string>;
  /** Inline images (referenced from the HTML as cid:...) and other parts. */
  attachments?: MailAttachment[];
}

export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
  /** Content-ID for an inline image: the HTML refers to it as `cid:<cid>`. */
  cid?: string;
  contentDisposition?: "inline" | "attachment";
}

export interface MailDeps {
  transport: Transporter;
  /** Sender, "Name <address>" or an address. */
  from: string;
  logger: Logger;
}

export interface DeliveryFailure {
  email: string;
  error: string;
}

export interface SendEachResult {
  /** Messages accepted by the SMTP server (and recorded). */
  sent: number;
  failed: DeliveryFailure[];
  /** True when the server could not be reached and the loop stopped early. */
  stopped: boolean;
}

/**
 * Runs `fn` on one connection that holds the session advisory lock `key`, and releases it afterwards;
 * `{ locked: false }` when another session holds it. One connection for the whole run: the lock belongs
 * to the session, and a pool of one (DATABASE_POOL_SIZE=1) must not wait on itself.
 */
export async function withSessionLock<DB, T>(
  db: Kysely<DB>,
  key: string,
  fn: (conn: Kysely<DB>) => Promise<T>,
): Promise<{ locked: true; value: T } | { locked: false }> {
  return db.connection().execute(async (conn) => {
    const lock = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(hashtext(${key})) AS ok`.execute(
      conn,
    );
    if (!lock.rows[0]?.ok) return { locked: false as const };
    try {
      return { locked: true as const, value: await fn(conn) };
    } finally {
      // A connection that died mid-run took the lock with it; the unlock then fails harmlessly.
      await sql`SELECT pg_advisory_unlock(hashtext(${key}))`.execute(conn).catch(() => undefined);
    }
  });
}

/**
 * Sends each item's message and records it as soon as the SMTP server accepts it (see the guarantee
 * above). Call it while holding the lock that serialises runs over the same items.
 */
export async function sendEachOnce<T>(
  deps: MailDeps,
  items: readonly T[],
  message: (item: T) => OutgoingMail | Promise<OutgoingMail>,
  record: (item: T, messageId: string) => Promise<void>,
  context: Record<string, unknown> = {},
): Promise<SendEachResult> {
  const result: SendEachResult = { sent: 0, failed: [], stopped: false };
  for (const item of items) {
    const mail = await message(item);
    try {
      await deps.transport.sendMail({
        from: deps.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        ...(mail.headers ? { headers: mail.headers } : {}),
        ...(mail.attachments ? { attachments: mail.attachments } : {}),
      });
    } catch (error) {
      const err = error as Error & { responseCode?: number };
      result.failed.push({ email: mail.to, error: err.message });
      deps.logger.warn({ ...context, email: mail.to, err: err.message }, "message not delivered");
      // No SMTP reply (refused connection, timeout): the server, not this address, is the problem.
      if (err.responseCode === undefined) {
        result.stopped = true;
        break;
      }
      continue;
    }
    await record(item, mail.messageId);
    result.sent++;
  }
  return result;
}
