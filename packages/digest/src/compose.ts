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

export interface DigestComposeOptions {
  /** Content-ID of the thesis chart attached as an inline PNG; the HTML shows it as <img src="cid:...">. */
  chartCid?: string;
  /** The trends page for this week (WEB_PUBLIC_URL/?week=...); no link without it. */
  pageUrl?: string;
  /** This subscriber's unsubscribe link (WEB_PUBLIC_URL/unsubscribe?token=...); without it, by reply only. */
  unsubscribeUrl?: string;
}

/** The trends page's URL for a week, from WEB_PUBLIC_URL. */
export function digestPageUrl(publicUrl: string | undefined, weekStart: string): string | undefined {
  if (!publicUrl) return undefined;
  const url = new URL(publicUrl.endsWith("/") ? publicUrl : `${publicUrl}/`);
  url.searchParams.set("week", weekStart);
  return url.toString();
}

/**
 * The thesis chart as a table of bars, for mail clients that block images: one row per week, one bar per
 * aid theme, the bar's width the share (table cells with a width and a background colour render in every
 * client, Outlook included).
 */
function aidBarsTable(history: DigestData["aidHistory"], weeks = 12): string {
  const rows = history.slice(-weeks);
  if (rows.length === 0) return "";
  const shares = rows.flatMap((r) => AID.map((a) => (r.articles > 0 ? r[a.key] / r.articles : 0)));
  const max = Math.max(0.0001, ...shares);
  const colors: Record<string, string> = {
    russian_aid: "#d1495b",
    chinese_aid: "#e09f3e",
    eu_aid: "#1f5fbf",
  };
  const bar = (share: number, color: string) => {
    const w = Math.max(1, Math.round((160 * share) / max));
    return `<table role="presentation" cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr><td width="${w}" height="8" bgcolor="${color}" style="width:${w}px;height:8px;background:${color};font-size:0;line-height:0">&nbsp;</td><td style="padding-left:4px;font-size:11px;color:#444">${pct(share, 1)}</td></tr></table>`;
  };
  const head = `<tr><th style="text-align:left;padding:2px 8px 2px 0;font-size:12px">week</th>${AID.map((a) => `<th style="text-align:left;padding:2px 8px 2px 0;font-size:12px;color:${colors[a.key]}">${a.label}</th>`).join("")}</tr>`;
  const body = rows
    .map(
      (r) =>
        `<tr><td style="padding:1px 8px 1px 0;font-size:12px;white-space:nowrap">${isoWeekLabel(r.week_start)}</td>${AID.map(
          (a) =>
            `<td style="padding:1px 8px 1px 0">${bar(r.articles > 0 ? r[a.key] / r.articles : 0, colors[a.key]!)}</td>`,
        ).join("")}</tr>`,
    )
    .join("");
  return `<table role="presentation" data-fallback="aid-bars" style="border-collapse:collapse;margin:8px 0">${head}${body}</table>`;
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

/** Alignment labels in the order the digest shows them (docs/sources.md). */
const ALIGNMENTS: readonly { key: string; label: string }[] = [
  { key: "pro-government", label: "pro-government" },
  { key: "independent", label: "independent" },
  { key: "state-media", label: "state media" },
  { key: "unknown", label: "not labelled" },
];
const alignmentLabel = (key: string) => ALIGNMENTS.find((a) => a.key === key)?.label ?? key;
const alignmentRank = (key: string) => {
  const i = ALIGNMENTS.findIndex((a) => a.key === key);
  return i < 0 ? ALIGNMENTS.length : i;
};

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

export function composeDigest(
  data: DigestData,
  to: DigestRecipient,
  options: DigestComposeOptions = {},
): DigestEmail {
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
  const byAlignment = [...(data.aidByAlignment ?? [])].sort(
    (a, b) => alignmentRank(a.alignment) - alignmentRank(b.alignment),
  );
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
  if (byAlignment.length > 0) {
    lines.push("", "  BY THE OUTLETS' ALIGNMENT (share of their articles; docs/sources.md)");
    lines.push(`  ${pad("outlets", 16)}${AID.map((a) => pad(a.label, 18)).join("")}articles`);
    for (const g of byAlignment)
      lines.push(
        `  ${pad(alignmentLabel(g.alignment), 16)}${AID.map((a) => pad(`${g[a.key]} ${pct(g[a.key], g.articles)}`, 18)).join("")}${g.articles}`,
      );
  }
  if (options.pageUrl) lines.push(`  The chart and the articles behind it: ${options.pageUrl}`);
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
  const because = `You receive this because ${to.email} is subscribed to the Vesti weekly digest.`;
  const byReply = `reply with the subject "unsubscribe ${to.unsubscribeToken}"`;
  const footer = options.unsubscribeUrl
    ? `${because} To unsubscribe, open ${options.unsubscribeUrl} (or ${byReply}).`
    : `${because} To unsubscribe, ${byReply}.`;
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
  if (byAlignment.length > 0) {
    const head = `<tr><th ${th}>outlets</th>${AID.map((a) => `<th ${th}>${a.label}</th>`).join("")}<th ${th}>articles</th></tr>`;
    const rows = byAlignment.map(
      (g) =>
        `<tr><td ${td}>${h(alignmentLabel(g.alignment))}</td>${AID.map((a) => `<td ${td}>${g[a.key]} (${pct(g[a.key], g.articles)})</td>`).join("")}<td ${td}>${g.articles}</td></tr>`,
    );
    parts.push(
      "<p>By the outlets' alignment (share of their articles):</p>",
      `<table style="border-collapse:collapse">${head}${rows.join("")}</table>`,
    );
  }
  const weeks = data.aidHistory.length;
  if (weeks > 0) {
    const chart = options.chartCid
      ? `<img src="cid:${h(options.chartCid)}" width="600" style="width:100%;max-width:600px;height:auto;border:0" alt="Chart: Serbian outlets' share of articles on Russian, Chinese and EU aid, the last ${weeks} weeks (the same numbers are in the table below)">`
      : "";
    const chartBlock = options.pageUrl ? `<a href="${h(options.pageUrl)}">${chart}</a>` : chart;
    parts.push(
      `${chartBlock}<p style="font-size:12px;color:#555;margin:4px 0">Share of articles per ISO week, the last ${Math.min(12, weeks)} weeks:</p>${aidBarsTable(data.aidHistory)}`,
    );
  }
  if (options.pageUrl)
    parts.push(
      `<p><a href="${h(options.pageUrl)}">The chart and the articles behind it on the trends page</a></p>`,
    );
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
  const unsubscribeHref = options.unsubscribeUrl ? safeHref(options.unsubscribeUrl) : undefined;
  parts.push(
    `<hr><p style="color:#666;font-size:12px">${h(because)} ` +
      (unsubscribeHref
        ? `<a href="${h(unsubscribeHref)}">Unsubscribe</a> (or ${h(byReply)}).`
        : `To unsubscribe, ${h(byReply)}.`) +
      "</p>",
  );
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${h(subject)}</title></head><body style="font-family:sans-serif">${parts.join("\n")}</body></html>\n`;
  return { subject, text, html };
}
