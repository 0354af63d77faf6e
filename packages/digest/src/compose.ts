import type { DigestAid, DigestData, DigestThemeCount } from "@vesti/db";
import { escapeHtml, safeHref } from "@vesti/mail/html";
import { isoWeekLabel } from "./week";

// The weekly digest as an e-mail: a pure function of the week's numbers and the subscriber. Plain text
// and HTML carry the same content; every string that comes from a feed (titles, URLs, outlet names) is
// escaped in the HTML part.

export interface DigestRecipient {
  email: string;
  /** Themes the subscriber follows; null or empty for all. */
  themes: readonly string[] | null;
  unsubscribeToken: string;
}

export interface DigestEmail {
  subject: string;
  text: string;
  html: string;
}

/** The two sides of the report's question: Serbian and Russian outlets. */
const COUNTRIES: readonly { code: string; label: string }[] = [
  { code: "RS", label: "Serbian outlets" },
  { code: "RU", label: "Russian outlets" },
  { code: "*", label: "all outlets" },
];

const AID: readonly { key: keyof Omit<DigestAid, "articles">; label: string }[] = [
  { key: "russian_aid", label: "Russian aid" },
  { key: "chinese_aid", label: "Chinese aid" },
  { key: "eu_aid", label: "EU aid" },
];

function pct(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : "–";
}

/** "+1.2 pts" style change of a share between two weeks; "new" when there was nothing to compare with. */
function change(part: number, whole: number, prevPart: number, prevWhole: number): string {
  if (whole === 0) return "";
  if (prevWhole === 0) return "new";
  const d = (100 * part) / whole - (100 * prevPart) / prevWhole;
  if (Math.abs(d) < 0.05) return "±0.0 pts";
  return `${d > 0 ? "+" : "−"}${Math.abs(d).toFixed(1)} pts`;
}

function weekRange(weekStart: string): string {
  const start = new Date(`${weekStart}T00:00:00Z`);
  const end = new Date(start);
  end.setUTCDate(end.getUTCDate() + 6);
  const fmt = (d: Date, year: boolean) =>
    d.toLocaleDateString("en-GB", {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
      ...(year ? { year: "numeric" } : {}),
    });
  return `${fmt(start, false)} – ${fmt(end, true)}`;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

export function composeDigest(data: DigestData, to: DigestRecipient): DigestEmail {
  const follow = to.themes && to.themes.length > 0 ? new Set(to.themes) : null;
  const wanted = (theme: string) => follow === null || follow.has(theme);
  const byTheme = new Map<string, Map<string, DigestThemeCount>>();
  for (const t of data.themes) {
    if (!wanted(t.theme)) continue;
    const m = byTheme.get(t.theme) ?? new Map<string, DigestThemeCount>();
    m.set(t.country, t);
    byTheme.set(t.theme, m);
  }
  const themeIds = [...byTheme.keys()].sort(
    (a, b) =>
      (byTheme.get(b)!.get("*")?.mentions ?? 0) - (byTheme.get(a)!.get("*")?.mentions ?? 0) ||
      a.localeCompare(b),
  );
  const labelOf = (theme: string) => byTheme.get(theme)?.values().next().value?.label ?? theme;
  const range = weekRange(data.weekStart);
  const subject = `Vesti weekly digest ${isoWeekLabel(data.weekStart)} (${range})`;

  // ---- plain text
  const lines: string[] = [];
  lines.push(subject, "");
  lines.push(
    `${data.articles.toLocaleString("en")} articles stored this week (previous week ${data.prevArticles.toLocaleString("en")}). ` +
      "Days are UTC days; a share is the fraction of articles that mention the theme.",
    "",
  );
  // Alerts on any theme the subscriber follows (all of them for a subscriber who follows everything).
  const alerts = data.alerts.filter((a) => follow === null || a.themes.some((t) => follow.has(t)));
  lines.push("THIS WEEK'S ALERTS");
  if (alerts.length > 0) for (const a of alerts) lines.push(`  - ${a.message}`);
  else lines.push(`  No alerts${follow ? " on your themes" : ""} this week.`);
  lines.push("");
  lines.push("AID ATTENTION IN SERBIAN OUTLETS");
  if (data.aid) {
    for (const a of AID) {
      const n = data.aid[a.key];
      const prev = data.prevAid ? data.prevAid[a.key] : 0;
      lines.push(
        `  ${pad(a.label, 12)} ${pad(String(n), 6)} ${pad(pct(n, data.aid.articles), 7)} ` +
          `(previous week ${prev}; ${change(n, data.aid.articles, prev, data.prevAid?.articles ?? 0)})`,
      );
    }
    lines.push(`  of ${data.aid.articles} articles published by Serbian outlets`);
  } else lines.push("  Serbian outlets published nothing this week.");
  lines.push("");
  lines.push("THEMES: MENTIONS AND SHARE OF ARTICLES, CHANGE FROM THE PREVIOUS WEEK");
  lines.push(`  ${pad("theme", 16)}${COUNTRIES.map((c) => pad(c.label, 30)).join("")}`.trimEnd());
  for (const theme of themeIds) {
    const cells = COUNTRIES.map((c) => {
      const r = byTheme.get(theme)!.get(c.code);
      if (!r || r.articles === 0) return pad("–", 30);
      return pad(
        `${r.mentions} ${pct(r.mentions, r.articles)} ${change(r.mentions, r.articles, r.prevMentions, r.prevArticles)}`,
        30,
      );
    });
    lines.push(`  ${pad(labelOf(theme), 16)}${cells.join("")}`.trimEnd());
  }
  if (themeIds.length === 0) lines.push("  (no articles this week)");
  const pairs = data.pairs.filter((p) => wanted(p.theme_a) || wanted(p.theme_b));
  if (pairs.length > 0) {
    lines.push("", "THEMES TOGETHER IN ONE ARTICLE");
    for (const p of pairs)
      lines.push(`  ${labelOf(p.theme_a)} + ${labelOf(p.theme_b)}: ${p.articles} articles`);
  }
  // In the order of the themes table (most mentioned first), newest first within a theme.
  const latest = themeIds.flatMap((theme) => data.latest.filter((a) => a.theme === theme));
  if (latest.length > 0) {
    lines.push("", "LATEST ARTICLES PER THEME");
    let current = "";
    for (const a of latest) {
      if (a.theme !== current) {
        current = a.theme;
        lines.push(`  ${labelOf(a.theme)}`);
      }
      lines.push(
        `    - ${a.title} (${a.outlet_name}, ${a.published_at.toISOString().slice(0, 10)})`,
        `      ${a.url}`,
      );
    }
  }
  const footer =
    `You receive this because ${to.email} is subscribed to the Vesti weekly digest. To unsubscribe, ` +
    `reply with the subject "unsubscribe ${to.unsubscribeToken}".`;
  lines.push("", "--", footer);
  const text = `${lines.join("\n")}\n`;

  // ---- HTML, the same content
  const h = escapeHtml;
  const th = 'style="text-align:left;padding:2px 12px 2px 0;border-bottom:1px solid #ccc"';
  const td = 'style="padding:2px 12px 2px 0;vertical-align:top"';
  const parts: string[] = [];
  parts.push(`<h1 style="font-size:18px">${h(subject)}</h1>`);
  parts.push(
    `<p>${data.articles.toLocaleString("en")} articles stored this week (previous week ${data.prevArticles.toLocaleString("en")}). ` +
      "Days are UTC days; a share is the fraction of articles that mention the theme.</p>",
  );
  parts.push('<h2 style="font-size:15px">This week\'s alerts</h2>');
  if (alerts.length > 0) parts.push(`<ul>${alerts.map((a) => `<li>${h(a.message)}</li>`).join("")}</ul>`);
  else parts.push(`<p>No alerts${follow ? " on your themes" : ""} this week.</p>`);
  parts.push('<h2 style="font-size:15px">Aid attention in Serbian outlets</h2>');
  if (data.aid) {
    const rows = AID.map((a) => {
      const n = data.aid![a.key];
      const prev = data.prevAid ? data.prevAid[a.key] : 0;
      return `<tr><td ${td}>${a.label}</td><td ${td}>${n}</td><td ${td}>${pct(n, data.aid!.articles)}</td><td ${td}>${prev}</td><td ${td}>${h(change(n, data.aid!.articles, prev, data.prevAid?.articles ?? 0))}</td></tr>`;
    });
    parts.push(
      `<table style="border-collapse:collapse"><tr><th ${th}>theme</th><th ${th}>articles</th><th ${th}>share</th><th ${th}>previous week</th><th ${th}>change</th></tr>${rows.join("")}</table>`,
      `<p>of ${data.aid.articles} articles published by Serbian outlets</p>`,
    );
  } else parts.push("<p>Serbian outlets published nothing this week.</p>");
  parts.push(
    '<h2 style="font-size:15px">Themes: mentions and share of articles, change from the previous week</h2>',
  );
  if (themeIds.length > 0) {
    const head = `<tr><th ${th}>theme</th>${COUNTRIES.map((c) => `<th ${th}>${c.label}</th>`).join("")}</tr>`;
    const rows = themeIds.map((theme) => {
      const cells = COUNTRIES.map((c) => {
        const r = byTheme.get(theme)!.get(c.code);
        if (!r || r.articles === 0) return `<td ${td}>–</td>`;
        return `<td ${td}>${r.mentions} (${pct(r.mentions, r.articles)}) ${h(change(r.mentions, r.articles, r.prevMentions, r.prevArticles))}</td>`;
      });
      return `<tr><td ${td}>${h(labelOf(theme))}</td>${cells.join("")}</tr>`;
    });
    parts.push(`<table style="border-collapse:collapse">${head}${rows.join("")}</table>`);
  } else parts.push("<p>(no articles this week)</p>");
  if (pairs.length > 0) {
    parts.push('<h2 style="font-size:15px">Themes together in one article</h2><ul>');
    for (const p of pairs)
      parts.push(`<li>${h(labelOf(p.theme_a))} + ${h(labelOf(p.theme_b))}: ${p.articles} articles</li>`);
    parts.push("</ul>");
  }
  if (latest.length > 0) {
    parts.push('<h2 style="font-size:15px">Latest articles per theme</h2>');
    let current = "";
    for (const a of latest) {
      if (a.theme !== current) {
        if (current) parts.push("</ul>");
        current = a.theme;
        parts.push(`<h3 style="font-size:14px">${h(labelOf(a.theme))}</h3><ul>`);
      }
      const href = safeHref(a.url);
      const title = href ? `<a href="${h(href)}">${h(a.title)}</a>` : h(a.title);
      parts.push(`<li>${title} (${h(a.outlet_name)}, ${a.published_at.toISOString().slice(0, 10)})</li>`);
    }
    parts.push("</ul>");
  }
  parts.push(`<hr><p style="color:#666;font-size:12px">${h(footer)}</p>`);
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${h(subject)}</title></head><body style="font-family:sans-serif">${parts.join("\n")}</body></html>\n`;
  return { subject, text, html };
}
