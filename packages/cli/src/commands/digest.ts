import { loadConfig } from "@vesti/config";
import { addSubscriber, listSubscribers, loadDigestData, unsubscribe } from "@vesti/db";
import {
  composeDigest,
  createMailTransport,
  digestPageUrl,
  lastCompleteWeek,
  parseWeek,
  sendWeeklyDigest,
} from "@vesti/digest";
import { unsubscribeUrl as pageUnsubscribeUrl } from "@vesti/mail";
import { createLogger } from "@vesti/runtime";
import { THEME_IDS } from "@vesti/themes";
import type { Command } from "commander";
import { formatTable } from "./sources";
import { withDb } from "./with-db";

function parseThemes(list: string | undefined): string[] | null {
  if (!list) return null;
  const themes = list
    .split(",")
    .map((t) => t.trim())
    .filter(Boolean);
  for (const t of themes)
    if (!(THEME_IDS as readonly string[]).includes(t))
      throw new Error(`unknown theme "${t}"; use some of: ${THEME_IDS.join(", ")}`);
  return themes.length > 0 ? themes : null;
}

const weekOf = (opt: string | undefined) => (opt ? parseWeek(opt) : lastCompleteWeek(new Date()));

export function registerDigestCommands(program: Command): void {
  const subscribers = program.command("subscribers").description("who receives the weekly digest");
  subscribers
    .command("add <email>")
    .description("subscribe an address (or re-subscribe it, with these settings)")
    .option("--themes <ids>", `only these themes, comma-separated: ${THEME_IDS.join(", ")}`)
    .action(async (email: string, opts: { themes?: string }) => {
      const s = await withDb((db) => addSubscriber(db, { email, themes: parseThemes(opts.themes) }));
      process.stdout.write(`subscribed ${s.email}${s.themes ? ` (${s.themes.join(", ")})` : ""}\n`);
    });
  subscribers
    .command("remove <email-or-token>")
    .description("unsubscribe by address or by the token from an unsubscribe request")
    .action(async (key: string) => {
      if (!(await withDb((db) => unsubscribe(db, key)))) {
        process.stderr.write(`no subscriber ${key}\n`);
        process.exitCode = 1;
        return;
      }
      process.stdout.write(`unsubscribed ${key}\n`);
    });
  subscribers
    .command("list")
    .description("every subscriber and what they follow")
    .action(async () => {
      const rows = await withDb((db) => listSubscribers(db));
      const table = rows.map((s) => ({
        email: s.email,
        active: s.active ? "yes" : "no",
        themes: s.themes?.join(",") ?? "all",
        since: s.created_at.toISOString().slice(0, 10),
        left: s.unsubscribed_at?.toISOString().slice(0, 10) ?? "",
      }));
      process.stdout.write(`${formatTable(table)}\n`);
    });

  const digest = program.command("digest").description("the weekly digest e-mail");
  digest
    .command("preview")
    .description("print a week's digest as a subscriber would get it (nothing is sent)")
    .option("--week <week>", "ISO week (2026-W47) or a day in it (default: the last complete week)")
    .option("--themes <ids>", "as for a subscriber following only these themes")
    .option("--html", "the HTML part instead of the text part")
    .action(async (opts: { week?: string; themes?: string; html?: boolean }) => {
      const data = await withDb((db) => loadDigestData(db, weekOf(opts.week)));
      const publicUrl = loadConfig().WEB_PUBLIC_URL;
      const pageUrl = digestPageUrl(publicUrl, data.weekStart);
      const unsubscribeUrl = pageUnsubscribeUrl(publicUrl, "TOKEN");
      const mail = composeDigest(
        data,
        { email: "preview@example.org", themes: parseThemes(opts.themes), unsubscribeToken: "TOKEN" },
        { ...(pageUrl ? { pageUrl } : {}), ...(unsubscribeUrl ? { unsubscribeUrl } : {}) },
      );
      process.stdout.write(opts.html ? mail.html : `Subject: ${mail.subject}\n\n${mail.text}`);
    });
  digest
    .command("send")
    .description("send a week's digest now to every active subscriber who has not had it (SMTP_URL)")
    .option("--week <week>", "ISO week (2026-W47) or a day in it (default: the last complete week)")
    .action(async (opts: { week?: string }) => {
      const config = loadConfig();
      const transport = createMailTransport(config.SMTP_URL);
      try {
        const run = await withDb((db) =>
          sendWeeklyDigest(
            {
              db,
              transport,
              from: config.DIGEST_FROM,
              logger: createLogger("digest", config.LOG_LEVEL),
              ...(config.WEB_PUBLIC_URL ? { publicUrl: config.WEB_PUBLIC_URL } : {}),
            },
            weekOf(opts.week),
          ),
        );
        process.stdout.write(
          `digest ${run.weekStart}: ${run.sent} sent${run.skipped ? ` (nothing sent: ${run.skipped})` : ""}\n`,
        );
      } finally {
        transport.close();
      }
    });
}
