import type { AddressInfo } from "node:net";
import { addSubscriber, seedDemo, unsubscribe } from "@vesti/db";
import { createLogger } from "@vesti/runtime";
import { sql } from "kysely";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/test-support/test-database";
import { createMailTransport, DigestDeliveryError, type DigestDeps, sendWeeklyDigest } from "../src/index";

// The digest against a real SMTP server (smtp-server, in this process) and a real Postgres with demo data.

let t: TestDatabase;
let smtp: SMTPServer;
let deps: DigestDeps;
const received: ParsedMail[] = [];
/** Recipients the server refuses (550) while listed here. */
const refuse = new Set<string>();

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address))
        return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          received.push(mail);
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, "127.0.0.1", r));
  const port = (smtp.server.address() as AddressInfo).port;
  t = await createTestDatabase();
  await seedDemo(t.db, { from: "2026-11-09", to: "2026-11-22", perDay: 20 });
  deps = {
    db: t.db,
    transport: createMailTransport(`smtp://127.0.0.1:${port}`),
    from: "Vesti <digest@vesti.example>",
    logger: createLogger("test", "silent"),
  };
});
afterAll(async () => {
  deps.transport.close();
  await new Promise<void>((r) => smtp.close(() => r()));
  await t.destroy();
});

const to = (m: ParsedMail) => (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address;

describe("sendWeeklyDigest", () => {
  it("sends each active subscriber one digest, records it, and retries only those that failed", async () => {
    await addSubscriber(t.db, { email: "all@example.org" });
    await addSubscriber(t.db, { email: "Kosovo@Example.org", themes: ["kosovo"] });
    await addSubscriber(t.db, { email: "gone@example.org" });
    await unsubscribe(t.db, "gone@example.org");
    await addSubscriber(t.db, { email: "flaky@example.org" });
    refuse.add("flaky@example.org");

    const first = sendWeeklyDigest(deps, "2026-11-16");
    await expect(first).rejects.toThrow(DigestDeliveryError);
    await expect(first).rejects.toThrow(/flaky@example\.org/);
    expect(received.map(to).sort()).toEqual(["all@example.org", "kosovo@example.org"]);
    const deliveries = await t.db.selectFrom("digest_deliveries").selectAll().execute();
    expect(deliveries).toHaveLength(2);

    refuse.clear();
    const second = await sendWeeklyDigest(deps, "2026-11-16");
    expect(second).toMatchObject({ sent: 1, failed: [] });
    expect(received.map(to).sort()).toEqual(["all@example.org", "flaky@example.org", "kosovo@example.org"]);

    const third = await sendWeeklyDigest(deps, "2026-11-16");
    expect(third).toMatchObject({ sent: 0, skipped: "everyone has it" });
    expect(received).toHaveLength(3);
  });

  it("writes the week's numbers from the analytics views, per subscriber", async () => {
    const all = received.find((m) => to(m) === "all@example.org")!;
    expect(all.subject).toBe("Vesti weekly digest 2026-W47 (16 Nov – 22 Nov 2026)");
    expect(all.messageId).toMatch(/^<digest-2026-11-16-\d+@vesti\.example>$/);
    const listUnsubscribe = all.headerLines.find((h) => h.key === "list-unsubscribe")?.line;
    expect(listUnsubscribe).toMatch(/mailto:digest@vesti\.example\?subject=unsubscribe%20\S+>/);
    const aid = await sql<{ chinese_aid: number; articles: number }>`
      SELECT chinese_aid, articles FROM analytics.aid_attention_weekly WHERE week_start = '2026-11-16'`.execute(
      t.db,
    );
    const { chinese_aid, articles } = aid.rows[0]!;
    expect(all.text).toMatch(new RegExp(`Chinese aid\\s+${chinese_aid}\\s`));
    expect(all.text).toContain(`of ${articles} articles published by Serbian outlets`);
    expect(all.html).toContain("<table");
    const kosovo = received.find((m) => to(m) === "kosovo@example.org")!;
    expect(kosovo.text).toMatch(/^\s+Kosovo\s+\d+/m);
    expect(kosovo.text).not.toMatch(/^\s+Vladimir Putin\s+\d+/m);
  });

  it("two runs of one week at once send each subscriber one message", async () => {
    const before = received.length;
    const runs = await Promise.all([
      sendWeeklyDigest(deps, "2026-11-09"),
      sendWeeklyDigest(deps, "2026-11-09"),
    ]);
    expect(runs.map((r) => r.sent).sort()).toEqual([0, 3]);
    const week = received.slice(before);
    expect(week).toHaveLength(3);
    expect(new Set(week.map((m) => m.messageId)).size).toBe(3);
  });

  it("does not send a week without articles", async () => {
    const before = received.length;
    expect(await sendWeeklyDigest(deps, "2026-10-05")).toMatchObject({ sent: 0, skipped: "no articles" });
    expect(received).toHaveLength(before);
  });
});
