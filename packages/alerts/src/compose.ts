import { isoWeekLabel } from "@vesti/digest/week";
import { escapeHtml, safeHref } from "@vesti/mail/html";
import type { Direction, Method } from "./detect";
import { addDays, type Granularity } from "./period";

// An alert in words: the one-line message stored with it (and listed in the weekly digest), and its
// e-mail. Pure; every string that comes from a user or a feed is escaped in the HTML part.

/** The numbers an alert was raised on (the alerts table's columns). */
export interface AlertFacts {
  queryName: string;
  granularity: Granularity;
  direction: Direction;
  period: string;
  mentions: number;
  articles: number;
  share: number;
  expectedShare: number;
  baselineShare: number;
  baselineSpread: number;
  baselinePeriods: number;
  z: number;
  pValue: number;
  method: Method | string;
}

/** "4.5%", "0.62%" (two decimals under 1%), "0.031%" under 0.1%. */
export function formatShare(share: number): string {
  const pct = 100 * share;
  if (pct === 0) return "0%";
  if (pct < 0.1) return `${pct.toFixed(3)}%`;
  if (pct < 1) return `${pct.toFixed(2)}%`;
  return `${pct.toFixed(1)}%`;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "Wed 18 Nov 2026" for a day, "2026-W47 (16–22 Nov 2026)" for a week (spelt out: ICU's vary). */
export function periodLabel(period: string, g: Granularity): string {
  const d = new Date(`${period}T00:00:00Z`);
  const dayMonth = (x: Date) => `${x.getUTCDate()} ${MONTHS[x.getUTCMonth()]}`;
  if (g === "day") return `${WEEKDAYS[d.getUTCDay()]} ${dayMonth(d)} ${d.getUTCFullYear()}`;
  const end = new Date(`${addDays(period, 6)}T00:00:00Z`);
  const start = d.getUTCMonth() === end.getUTCMonth() ? String(d.getUTCDate()) : dayMonth(d);
  return `${isoWeekLabel(period)} (${start}–${dayMonth(end)} ${end.getUTCFullYear()})`;
}

const count = (n: number) => n.toLocaleString("en");
const unit = (g: Granularity, n: number) => `${g === "day" ? "day" : "week"}${n === 1 ? "" : "s"}`;

/**
 * The alert in one line: "Russian aid in Serbian outlets: 4.5% of articles (63 of 1,402) in 2020-W15
 * (6–12 Apr 2020), against 0.6% ± 0.2% over the previous 12 weeks".
 */
export function alertMessage(f: AlertFacts): string {
  const when = `${f.granularity === "day" ? "on" : "in"} ${periodLabel(f.period, f.granularity)}`;
  const what = `${formatShare(f.share)} of articles (${count(f.mentions)} of ${count(f.articles)}) ${when}`;
  const against = `against ${formatShare(f.baselineShare)} ± ${formatShare(f.baselineSpread)} over the previous ${f.baselinePeriods} ${unit(f.granularity, f.baselinePeriods)}`;
  // When the outlets that published differ from usual, the test's expectation is not the baseline share.
  const mix =
    Math.abs(f.expectedShare - f.baselineShare) > 0.15 * f.baselineShare
      ? ` (${formatShare(f.expectedShare)} expected from the outlets that published)`
      : "";
  return f.direction === "up"
    ? `${f.queryName}: ${what}, ${against}${mix}`
    : `${f.queryName}: down to ${what}, ${against}${mix}`;
}

/** What a saved query selects, for the e-mail. */
export interface AlertQueryDescription {
  name: string;
  /** Theme ids and labels. */
  themes: readonly { id: string; label: string }[];
  langs: readonly string[];
  countries: readonly string[];
  outlets: readonly string[];
  collections: readonly string[];
  scripts: readonly string[];
  granularity: Granularity;
}

export interface AlertArticle {
  title: string;
  url: string | null;
  outlet_name: string;
  published_at: Date;
}

export interface AlertEmail {
  subject: string;
  text: string;
  html: string;
}

const METHOD_NAMES: Record<string, string> = {
  nb: "negative binomial on the outlet-mix-adjusted expectation",
  pln: "Poisson–lognormal on the outlet-mix-adjusted expectation",
  zscore: "z-score of the share",
  mad: "robust z-score of the share (median, MAD)",
  binomial: "binomial test of the share",
};

function formatP(p: number): string {
  if (p === 0) return "< 1e-300";
  if (p < 0.001) return p.toExponential(1);
  return p.toPrecision(2);
}

/** The e-mail of one alert to one recipient. */
export function composeAlertEmail(
  facts: AlertFacts,
  query: AlertQueryDescription,
  articles: readonly AlertArticle[],
  recipient: string,
  /** The recipient's unsubscribe link (the trends page's /unsubscribe); without it, ask the operator. */
  unsubscribeUrl?: string,
): AlertEmail {
  const message = alertMessage(facts);
  const when = periodLabel(facts.period, facts.granularity);
  const verb = facts.direction === "up" ? "" : "down to ";
  const subject = `Vesti alert: ${query.name}: ${verb}${formatShare(facts.share)} of articles ${facts.granularity === "day" ? "on" : "in"} ${when}`;
  const themes =
    query.themes.map((t) => t.label).join(", ") +
    (query.themes.length > 1 ? " (an article tagged with several counts once)" : "");
  const filter = (label: string, values: readonly string[]) =>
    values.length > 0 ? `${label} ${values.join(", ")}` : "";
  const filters =
    [
      filter("language", query.langs),
      filter("outlet country", query.countries),
      filter("outlet", query.outlets),
      filter("collection", query.collections),
      filter("script", query.scripts),
    ]
      .filter(Boolean)
      .join("; ") || "none (every outlet, every language)";
  const period = facts.granularity === "day" ? "this day" : "this week";
  const rows: [string, string][] = [
    [period, `${count(facts.mentions)} of ${count(facts.articles)} articles (${formatShare(facts.share)})`],
    ["expected", `${formatShare(facts.expectedShare)}, given which outlets published how much`],
    [
      "baseline",
      `${formatShare(facts.baselineShare)} ± ${formatShare(facts.baselineSpread)} over the previous ${facts.baselinePeriods} ${unit(facts.granularity, facts.baselinePeriods)} (earlier alerts left out)`,
    ],
    [
      "test",
      `z = ${facts.z.toFixed(1)}, p = ${formatP(facts.pValue)} (${METHOD_NAMES[facts.method] ?? facts.method})`,
    ],
  ];
  const because =
    `You receive this because ${recipient} is notified of the saved query "${query.name}" in Vesti. ` +
    "Days are UTC days; a share is the fraction of articles tagged with the theme.";
  const byOperator = `ask the Vesti operator to run: vesti alerts notify "${query.name}" --remove ${recipient}`;
  const footer = unsubscribeUrl
    ? `${because} To stop these e-mails, open ${unsubscribeUrl} (or ${byOperator}).`
    : `${because} To stop these e-mails, ${byOperator}`;

  const lines: string[] = [message, ""];
  lines.push("THE QUERY");
  lines.push(`  ${query.name}`);
  lines.push(`  themes: ${themes}`);
  lines.push(`  filters: ${filters}`);
  lines.push(`  checked: ${query.granularity === "day" ? "every day (UTC)" : "every ISO week"}`);
  lines.push("", "THE NUMBERS");
  for (const [k, v] of rows) lines.push(`  ${`${k}:`.padEnd(10)} ${v}`);
  if (articles.length > 0) {
    lines.push("", `LATEST ARTICLES, ${when}`);
    for (const a of articles) {
      lines.push(`  - ${a.title} (${a.outlet_name}, ${a.published_at.toISOString().slice(0, 10)})`);
      if (a.url) lines.push(`    ${a.url}`);
    }
  }
  lines.push("", "--", footer);
  const text = `${lines.join("\n")}\n`;

  const h = escapeHtml;
  const td = 'style="padding:2px 12px 2px 0;vertical-align:top"';
  const parts: string[] = [];
  parts.push(`<h1 style="font-size:18px">${h(subject)}</h1>`);
  parts.push(`<p><strong>${h(message)}</strong></p>`);
  parts.push('<h2 style="font-size:15px">The query</h2>');
  parts.push(
    `<table style="border-collapse:collapse"><tr><td ${td}>name</td><td ${td}>${h(query.name)}</td></tr>` +
      `<tr><td ${td}>themes</td><td ${td}>${h(themes)}</td></tr>` +
      `<tr><td ${td}>filters</td><td ${td}>${h(filters)}</td></tr>` +
      `<tr><td ${td}>checked</td><td ${td}>${query.granularity === "day" ? "every day (UTC)" : "every ISO week"}</td></tr></table>`,
  );
  parts.push('<h2 style="font-size:15px">The numbers</h2>');
  parts.push(
    `<table style="border-collapse:collapse">${rows.map(([k, v]) => `<tr><td ${td}>${h(k)}</td><td ${td}>${h(v)}</td></tr>`).join("")}</table>`,
  );
  if (articles.length > 0) {
    parts.push(`<h2 style="font-size:15px">Latest articles, ${h(when)}</h2><ul>`);
    for (const a of articles) {
      const href = a.url ? safeHref(a.url) : null;
      const title = href ? `<a href="${h(href)}">${h(a.title)}</a>` : h(a.title);
      parts.push(`<li>${title} (${h(a.outlet_name)}, ${a.published_at.toISOString().slice(0, 10)})</li>`);
    }
    parts.push("</ul>");
  }
  const unsubscribeHref = unsubscribeUrl ? safeHref(unsubscribeUrl) : null;
  parts.push(
    `<hr><p style="color:#666;font-size:12px">${h(because)} ` +
      (unsubscribeHref
        ? `<a href="${h(unsubscribeHref)}">Stop these e-mails</a> (or ${h(byOperator)}).`
        : `To stop these e-mails, ${h(byOperator)}`) +
      "</p>",
  );
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${h(subject)}</title></head><body style="font-family:sans-serif">${parts.join("\n")}</body></html>\n`;
  return { subject, text, html };
}
