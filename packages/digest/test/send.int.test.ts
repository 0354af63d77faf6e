import { addSubscriber, createDb, loadDigestData, seedDemo, unsubscribe } from "@vesti/db";
import { createLogger } from "@vesti/runtime";
import { sql } from "kysely";
import { type ParsedMail, simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../db/test-support/test-database";
import { createMailTransport, DigestDeliveryError, type DigestDeps, sendWeeklyDigest } from "../src/index";
import { startTestSmtpServer, type TestSmtpServer } from "../test-support/smtp-server";

// The digest against a real SMTP server (smtp-server, in this process; test-support/smtp-server.ts) and a real Postgres with demo data.

let t: TestDatabase;
let smtp: TestSmtpServer;
let deps: DigestDeps;
/** What the server received, parsed. */
const received: ParsedMail[] = [];
const receivedNow = async () => {
  for (const m of smtp.received.slice(received.length)) received.push(await simpleParser(m.raw));
  return received;
};

beforeAll(async () => {
  smtp = await startTestSmtpServer();
  t = await createTestDatabase();
  await seedDemo(t.db, { from: "2026-11-09", to: "2026-11-22", perDay: 20 });
  deps = {
    db: t.db,
    transport: createMailTransport(smtp.url),
    from: "Vesti <digest@vesti.example>",
    logger: createLogger("test", "silent"),
  };
});
afterAll(async () => {
  deps.transport.close();
  await smtp.close();
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
    smtp.refuse.add("flaky@example.org");

    const first = sendWeeklyDigest(deps, "2026-11-16");
    await expect(first).rejects.toThrow(DigestDeliveryError);
    await expect(first).rejects.toThrow(/flaky@example\.org/);
    expect((await receivedNow()).map(to).sort()).toEqual(["all@example.org", "kosovo@example.org"]);
    const deliveries = await t.db.selectFrom("digest_deliveries").selectAll().execute();
    expect(deliveries).toHaveLength(2);

    smtp.refuse.clear();
    const second = await sendWeeklyDigest(deps, "2026-11-16");
    expect(second).toMatchObject({ sent: 1, failed: [] });
    expect((await receivedNow()).map(to).sort()).toEqual([
      "all@example.org",
      "flaky@example.org",
      "kosovo@example.org",
    ]);

    const third = await sendWeeklyDigest(deps, "2026-11-16");
    expect(third).toMatchObject({ sent: 0, skipped: "everyone has it" });
    expect(await receivedNow()).toHaveLength(3);
  });

  it("writes the week's numbers from the analytics views, per subscriber", async () => {
    const all = (await receivedNow()).find((m) => to(m) === "all@example.org")!;
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
    expect(all.text).toMatch(/^\s+Putin\s+\d+/m);
    const kosovo = (await receivedNow()).find((m) => to(m) === "kosovo@example.org")!;
    expect(kosovo.text).toMatch(/^\s+Kosovo\s+\d+/m);
    expect(kosovo.text).not.toMatch(/^\s+Putin\s+\d+/m);
  });

  it("takes each theme's numbers per country, for all countries and for the week before from theme_weekly", async () => {
    const data = await loadDigestData(t.db, "2026-11-16");
    const sums = await sql<{ week_start: string; country: string; mentions: number; articles: number }>`
      SELECT week_start, coalesce(country, '*') AS country, sum(mentions)::int8 AS mentions, sum(articles)::int8 AS articles
      FROM analytics.theme_weekly WHERE theme = 'kosovo' AND week_start IN ('2026-11-16', '2026-11-09')
      GROUP BY GROUPING SETS ((week_start, country), (week_start))`.execute(t.db);
    const want = (week: string, country: string) =>
      sums.rows.find((r) => r.week_start === week && r.country === country);
    for (const country of ["RS", "RU", "*"]) {
      const row = data.themes.find((r) => r.theme === "kosovo" && r.country === country)!;
      expect(row).toMatchObject({
        mentions: want("2026-11-16", country)!.mentions,
        articles: want("2026-11-16", country)!.articles,
        prevMentions: want("2026-11-09", country)!.mentions,
        prevArticles: want("2026-11-09", country)!.articles,
      });
    }
    expect(data.themes.find((r) => r.theme === "kosovo" && r.country === "*")!.articles).toBe(data.articles);
    expect(data.latest.filter((a) => a.theme === "kosovo").length).toBe(3);
    expect(data.latest.every((a) => a.published_at >= new Date("2026-11-16T00:00:00Z"))).toBe(true);
  });

  it("two runs of one week at once send each subscriber one message", async () => {
    const before = (await receivedNow()).length;
    const runs = await Promise.all([
      sendWeeklyDigest(deps, "2026-11-09"),
      sendWeeklyDigest(deps, "2026-11-09"),
    ]);
    expect(runs.map((r) => r.sent).sort()).toEqual([0, 3]);
    const week = (await receivedNow()).slice(before);
    expect(week).toHaveLength(3);
    expect(new Set(week.map((m) => m.messageId)).size).toBe(3);
  });

  it("works with a pool of one connection (the lock's connection does all the work)", async () => {
    const one = createDb(t.url, { poolSize: 1 });
    try {
      await addSubscriber(one, { email: "late@example.org" });
      expect(await sendWeeklyDigest({ ...deps, db: one }, "2026-11-16")).toMatchObject({ sent: 1 });
    } finally {
      await one.destroy();
    }
  });

  it("does not send a week without articles", async () => {
    const before = (await receivedNow()).length;
    expect(await sendWeeklyDigest(deps, "2026-10-05")).toMatchObject({ sent: 0, skipped: "no articles" });
    expect(await receivedNow()).toHaveLength(before);
  });

  it("attaches the thesis chart as an inline PNG that the HTML shows by Content-ID, and links the week's page", async () => {
    const before = (await receivedNow()).length;
    await addSubscriber(t.db, { email: "chart@example.org" });
    const run = await sendWeeklyDigest({ ...deps, publicUrl: "https://vesti.example.org" }, "2026-11-16");
    expect(run).toMatchObject({ sent: 1 });
    const [mail] = (await receivedNow()).slice(before);
    const png = mail!.attachments.find((a) => a.contentType === "image/png")!;
    expect(png).toBeDefined();
    expect(png.contentDisposition).toBe("inline");
    expect(png.cid).toBe("thesis-2026-11-16@vesti.example");
    expect(png.content.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.content.readUInt32BE(16)).toBe(1440);
    // mailparser rewrites cid: references to data: URLs when it can resolve them: the raw part must say cid:
    const raw = smtp.received[smtp.received.length - 1]!.raw.toString("utf8");
    expect(raw).toMatch(/Content-ID: <thesis-2026-11-16@vesti\.example>/i);
    expect(raw).toMatch(/multipart\/related/i);
    expect(raw).toContain('src=3D"cid:thesis-2026-11-16@vesti.example"');
    expect(mail!.html).toContain('data-fallback="aid-bars"');
    expect(mail!.html).toContain('href="https://vesti.example.org/?week=2026-11-16"');
    expect(mail!.text).toContain(
      "The chart and the articles behind it: https://vesti.example.org/?week=2026-11-16",
    );
    expect(mail!.text).toMatch(/Chinese aid\s+\d+\s/);
    expect(mail!.text).not.toMatch(/<|cid:/);
  });

  it("gives each subscriber an unsubscribe link on the page, one-click in the headers, when the page is public", async () => {
    const before = (await receivedNow()).length;
    const s = await addSubscriber(t.db, { email: "leaver@example.org" });
    await sendWeeklyDigest({ ...deps, publicUrl: "https://vesti.example.org/" }, "2026-11-16");
    const mail = (await receivedNow()).slice(before).find((m) => to(m) === "leaver@example.org")!;
    const link = `https://vesti.example.org/unsubscribe?token=${s.unsubscribe_token}`;
    // unfolded: long header lines are folded onto several lines
    const header = (key: string) =>
      (mail.headerLines.find((h) => h.key === key)?.line ?? "").replace(/\r\n\s+/g, " ");
    expect(header("list-unsubscribe")).toContain(
      `<${link}>, <mailto:digest@vesti.example?subject=unsubscribe%20${s.unsubscribe_token}>`,
    );
    expect(header("list-unsubscribe-post")).toMatch(/List-Unsubscribe=One-Click$/);
    expect(mail.text).toContain(
      `To unsubscribe, open ${link} (or reply with the subject "unsubscribe ${s.unsubscribe_token}").`,
    );
    expect(mail.html).toContain(`<a href="${link}">Unsubscribe</a>`);
  });
});
