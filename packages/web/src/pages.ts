import { PALETTE, periodLabel, type RenderedChart } from "@vesti/charts";
import {
  DIMENSION_NAMES,
  DIMENSIONS,
  type Dimension,
  type OutletActivity,
  type PeriodArticle,
} from "@vesti/db";
import { THEME_IDS } from "@vesti/themes";
import { describeFilters, type Reading, type ThemeLabels } from "./charts";
import { feedText, h, highlight, n, page, safeHref } from "./html";
import {
  type ArticlesView,
  articlesParams,
  type ChartView,
  formatQueryString,
  type LandingView,
} from "./view";

// The pages as HTML strings (pure: data in, markup out). Charts are the inline SVG of @vesti/charts; the
// page's script (assets/app.js) only enhances: without it, points are links to the articles and the
// forms are plain GET forms.

interface ChartBlock {
  id: string;
  chart: RenderedChart;
  /** Download URL without extension, e.g. "/thesis" → /thesis.csv, .svg, .png. */
  download: string;
  query: URLSearchParams;
  reading?: Reading;
  /** The page URL without from/to (reset zoom). */
  resetZoom?: string;
}

function chartBlock(b: ChartBlock): string {
  const q = b.query.toString();
  const legend = b.chart.series
    .map(
      (s) =>
        `<button type="button" class="swatch" data-toggle="${h(s.id)}" aria-pressed="${s.hidden ? "false" : "true"}" data-color="${h(s.color)}"><span class="dot c${PALETTE_INDEX(s.color)}"></span>${h(s.label)}</button>`,
    )
    .join("");
  const empty = b.chart.periods.length === 0;
  return `<figure class="chart" id="${h(b.id)}" data-chart="${h(b.id)}">
${b.reading ? `<p class="reading" data-role="reading">${h(b.reading.text)}</p>` : ""}
<div class="legend" role="group" aria-label="Series (click to hide or show)">${legend}</div>
<div class="plot" data-zoom="true">${empty ? '<p class="empty">No articles match: nothing to draw.</p>' : b.chart.svg}</div>
<figcaption>
${b.chart.gaps.length > 0 ? `<p class="gaps">No articles at all (nothing fetched, or nothing published) in: ${b.chart.gaps.length <= 8 ? b.chart.gaps.map((g) => h(g)).join(", ") : `${b.chart.gaps.length} periods`}. See the Outlets page for the feeds.</p>` : ""}
<p class="downloads">Download this chart: <a href="${h(b.download)}.csv?${h(q)}" download>CSV</a> <a href="${h(b.download)}.svg?${h(q)}" download>SVG</a> <a href="${h(b.download)}.png?${h(q)}" download>PNG</a>
· Click a point for its articles · drag across the chart to zoom${b.resetZoom ? ` · <a href="${h(b.resetZoom)}" data-role="reset-zoom">reset zoom</a>` : ""}</p>
</figcaption>
</figure>`;
}

/** Legend colours are classes (no inline styles under the CSP): the palette index of a colour. */
const PALETTE_INDEX = (color: string) => Math.max(0, PALETTE.indexOf(color));

const ARTICLES_PANEL = `<section id="articles" class="articles" aria-live="polite"><p class="hint">Click a point on a chart to list that period's articles here.</p></section>`;

function select(
  name: string,
  options: readonly [string, string][],
  selected: readonly string[],
  multiple = false,
) {
  return `<select name="${h(name)}"${multiple ? ` multiple size="${Math.min(6, Math.max(2, options.length))}"` : ""}>${options
    .map(
      ([v, label]) =>
        `<option value="${h(v)}"${selected.includes(v) ? " selected" : ""}>${h(label)}</option>`,
    )
    .join("")}</select>`;
}

function commonControls(
  v: { by?: string; measure: string; smooth: number; from?: string; to?: string },
  withBy = true,
) {
  return `${
    withBy
      ? `<label>Period ${select(
          "by",
          [
            ["day", "day"],
            ["week", "ISO week"],
            ["month", "month"],
          ],
          [v.by ?? "week"],
        )}</label>`
      : ""
  }
<label>Measure ${select(
    "measure",
    [
      ["share", "share of articles"],
      ["count", "articles"],
    ],
    [v.measure],
  )}</label>
<label>Smoothing <input type="number" name="smooth" min="0" max="30" value="${h(v.smooth)}"> periods</label>
<label>From <input type="date" name="from" value="${h(v.from ?? "")}"></label>
<label>To <input type="date" name="to" value="${h(v.to ?? "")}"></label>`;
}

export function landingPage(d: { view: LandingView; thesis: ChartBlock; tie: ChartBlock }): string {
  const body = `<h1>Mask diplomacy, and what ties Belgrade to Moscow</h1>
<p class="lede">The thesis of <cite>From Russia With Love?</cite> (LSE IDEAS, 2020): during the pandemic Serbia's media embraced China's aid while Russia's got a lukewarm reception, and Kosovo is what still ties Belgrade to Moscow. Here is that attention, week by week, in the outlets Vesti follows.</p>
<form class="controls" method="get" action="/">${commonControls(d.view, false)}<button type="submit">Show</button></form>
${chartBlock(d.thesis)}
${chartBlock(d.tie)}
${ARTICLES_PANEL}`;
  return page({ title: "Thesis", nav: "landing", body });
}

// Script codes (ISO 15924, as articles.script holds them) are shown with their names in the pickers.
const SCRIPT_NAMES: Record<string, string> = { Cyrl: "Cyrillic", Latn: "Latin" };
const valueName = (dim: Dimension, value: string) =>
  dim === "script" && SCRIPT_NAMES[value] ? `${SCRIPT_NAMES[value]} (${value})` : value;

export function explorePage(d: {
  view: ChartView;
  chart: ChartBlock;
  labels: ThemeLabels;
  values: Record<Dimension, string[]>;
}): string {
  const v = d.view;
  const q = v.series[0]?.query;
  const themes = THEME_IDS.map(
    (t) =>
      `<label class="check"><input type="checkbox" name="theme" value="${h(t)}"${v.series.some((s) => s.query.theme === t) ? " checked" : ""}>${h(d.labels.get(t) ?? t)}</label>`,
  ).join("");
  const filters = DIMENSION_NAMES.map(
    (dim) =>
      `<label>${h(DIMENSIONS[dim].label)} ${select(
        dim,
        d.values[dim].map((x) => [x, valueName(dim, x)]),
        q?.[dim] ?? [],
        true,
      )}</label>`,
  ).join("\n");
  const split = select(
    "split",
    [
      ["", "no split"],
      ...DIMENSION_NAMES.map((dim): [string, string] => [dim, `by ${DIMENSIONS[dim].label}`]),
    ],
    [v.split ?? ""],
  );
  const body = `<h1>Explore</h1>
<form class="controls" method="get" action="/explore">
<fieldset><legend>Themes</legend>${themes}</fieldset>
<fieldset><legend>Filter (any of the selected values; none selected: all)</legend>${filters}</fieldset>
<fieldset><legend>View</legend><label>Split ${split}</label>
${commonControls(v)}</fieldset>
<button type="submit">Show</button> <a href="/explore">reset</a>
${v.series.length > 0 ? `<a href="/compare?${h(v.series.map((s) => `q=${encodeURIComponent(formatQueryString(s.query))}`).join("&"))}&amp;by=${h(v.by)}&amp;measure=${h(v.measure)}">compare these series against other queries</a>` : ""}
</form>
${chartBlock(d.chart)}
${ARTICLES_PANEL}`;
  return page({ title: "Explore", nav: "explore", body });
}

export function comparePage(d: { view: ChartView; chart: ChartBlock; labels: ThemeLabels }): string {
  const rows = [...d.view.series.map((s) => formatQueryString(s.query, s.label)), "", ""]
    .slice(0, Math.max(3, d.view.series.length + 1))
    .map(
      (q, i) =>
        `<label>Query ${i + 1} <input type="text" name="q" value="${h(q)}" size="48" placeholder="theme;dimension=value,value"></label>`,
    )
    .join("\n");
  const dims = DIMENSION_NAMES.join(", ");
  const body = `<h1>Compare</h1>
<p>Several queries on one chart. A query is a theme and filters, e.g. <code>chinese_aid;country=RS</code>,
<code>kosovo;collection=russian-state-in-serbian;lang=sr</code>, <code>russian_aid;country=RS;script=Cyrl</code>, <code>putin;outlet=n1,danas;label=Independent</code>
(dimensions: ${h(dims)}; themes: ${h(THEME_IDS.join(", "))}). The URL keeps the whole view: share it.</p>
<form class="controls" method="get" action="/compare">
<fieldset class="queries"><legend>Queries</legend>${rows}</fieldset>
<fieldset><legend>View</legend>${commonControls(d.view)}</fieldset>
<button type="submit">Compare</button>
</form>
${chartBlock(d.chart)}
${ARTICLES_PANEL}`;
  return page({ title: "Compare", nav: "compare", body });
}

const dateTime = (d: Date) => `${d.toISOString().slice(0, 16).replace("T", " ")} UTC`;

function articleItem(a: PeriodArticle): string {
  const href = safeHref(a.url);
  const title = highlight(a.title, "title", a.evidence, 300);
  const summary = a.summary
    ? `<p class="summary">${highlight(a.summary, "summary", a.evidence, 400)}</p>`
    : "";
  return `<li class="article" data-article-id="${h(a.article_id)}">
<p class="title">${href ? `<a href="${h(href)}" rel="noopener noreferrer nofollow" target="_blank">${title}</a>` : `<span>${title}</span>`}</p>
<p class="meta">${feedText(a.outlet_name, 80)} (${h(a.country)}) · ${h(dateTime(a.published_at))} · ${h(a.lang)}-${h(a.script)}${href ? "" : " · no web link"}</p>
${summary}
</li>`;
}

export function articlesFragment(d: {
  view: ArticlesView;
  total: number;
  articles: PeriodArticle[];
  pageSize: number;
  labels: ThemeLabels;
}): string {
  const v = d.view;
  const label = d.labels.get(v.query.theme) ?? v.query.theme;
  const also = v.also ? ` + ${d.labels.get(v.also) ?? v.also}` : "";
  const filters = describeFilters(v.query);
  const when = `${periodLabel(v.period, v.by)}${v.by === "day" ? "" : ` (${v.from} to ${v.to})`}`;
  const link = (order: "time" | "sample", p = 1) =>
    `/articles?${articlesParams({ query: v.query, ...(v.also ? { also: v.also } : {}), by: v.by, period: v.period, order, page: p })}`;
  const pages = Math.max(1, Math.ceil(d.total / d.pageSize));
  const tabs = `<p class="tabs"><a href="${h(link("sample"))}"${v.order === "sample" ? ' aria-current="true"' : ""}>Sample</a> · <a href="${h(link("time"))}"${v.order === "time" ? ' aria-current="true"' : ""}>All, newest first</a></p>`;
  const pager =
    v.order === "time" && pages > 1
      ? `<p class="pager">Page ${v.page} of ${pages}${v.page > 1 ? ` · <a href="${h(link("time", v.page - 1))}" rel="prev">previous</a>` : ""}${v.page < pages ? ` · <a href="${h(link("time", v.page + 1))}" rel="next">next</a>` : ""}</p>`
      : "";
  const what =
    v.order === "sample"
      ? `a sample of ${Math.min(d.pageSize, d.total)} of ${n(d.total)} articles`
      : `${n(d.total)} articles`;
  return `<h2 data-total="${h(d.total)}">${h(label + also)}${filters ? ` · ${h(filters)}` : ""} · ${h(when)}: ${what}</h2>
${tabs}
${d.articles.length > 0 ? `<ol class="article-list">${d.articles.map(articleItem).join("\n")}</ol>` : "<p>No articles.</p>"}
${pager}
<p class="hint">Highlighted: the words that made the tagger choose the theme. Links open the original article.</p>`;
}

export function articlesPage(d: Parameters<typeof articlesFragment>[0]): string {
  return page({
    title: "Articles",
    nav: "articles",
    body: `<section id="articles" class="articles">${articlesFragment(d)}</section>`,
  });
}

const ago = (d: Date | null, now: Date) => {
  if (!d) return "never";
  const s = Math.round((now.getTime() - d.getTime()) / 1000);
  if (s < 120) return `${s}s ago`;
  if (s < 7200) return `${Math.round(s / 60)}m ago`;
  if (s < 172800) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
};

/** Articles per week as a tiny bar chart (hand-drawn SVG: numbers only, no feed text). */
function sparkline(weekly: OutletActivity["weekly"]): string {
  const max = Math.max(1, ...weekly.map((w) => w.articles));
  const bars = weekly
    .map((w, i) => {
      const height = w.articles === 0 ? 0 : Math.max(1, Math.round((24 * w.articles) / max));
      const bar =
        w.articles === 0
          ? `<rect x="${i * 7}" y="22" width="6" height="2" class="zero"/>`
          : `<rect x="${i * 7}" y="${24 - height}" width="6" height="${height}"/>`;
      return `<g><title>${h(periodLabel(w.week_start, "week"))}: ${n(w.articles)} articles</title>${bar}</g>`;
    })
    .join("");
  return `<svg class="spark" width="${weekly.length * 7}" height="24" viewBox="0 0 ${weekly.length * 7} 24" role="img" aria-label="articles per week">${bars}</svg>`;
}

export function outletsPage(d: { outlets: OutletActivity[]; weeks: number; now: Date }): string {
  const rows = d.outlets
    .map((o) => {
      const gap = o.active && o.weekly.some((w) => w.articles === 0);
      const feeds = o.feeds
        .map((f) => {
          const href = safeHref(f.url);
          return `<li class="feed state-${h(f.state.replace(/ /g, "-"))}"><span class="state">${h(f.state)}</span> ${href ? `<a href="${h(href)}" rel="noopener noreferrer nofollow">${feedText(f.url, 120)}</a>` : feedText(f.url, 120)} · fetched ${h(ago(f.last_fetched_at, d.now))} · last new item ${h(ago(f.last_new_item_at, d.now))} · ${n(f.items_new)} new${f.failure_count > 0 ? ` · ${h(f.failure_count.toFixed(1))} failures` : ""}${f.last_error ? ` · <span class="error">${feedText(f.last_error, 160)}</span>` : ""}${f.moved_to ? ` · moved to ${feedText(f.moved_to, 120)}` : ""}</li>`;
        })
        .join("");
      const explore = `/explore?${new URLSearchParams({ theme: "kosovo,russian_aid,chinese_aid", outlet: o.outlet })}`;
      return `<tr data-outlet="${h(o.outlet)}"${gap ? ' class="gap"' : ""}>
<td><a href="${h(explore)}">${feedText(o.name, 80)}</a><br><code>${h(o.outlet)}</code>${o.active ? "" : " (inactive)"}</td>
<td>${h(o.country)} · ${h(o.language)}</td>
<td>${h(o.ownership)}<br>${h(o.alignment)}</td>
<td>${o.collections.map((c) => `<code>${h(c)}</code>`).join(" ")}</td>
<td class="num">${n(o.articles)}</td>
<td>${sparkline(o.weekly)}${gap ? '<br><span class="warn">a week without articles: a collection gap?</span>' : ""}</td>
<td>${h(o.last_day ?? "never")}</td>
<td><ul class="feeds">${feeds || "<li>no feeds</li>"}</ul></td>
</tr>`;
    })
    .join("\n");
  const body = `<h1>Outlets</h1>
<p>Every outlet and feed with its articles per ISO week over the last ${d.weeks} weeks and its polling health (as <code>vesti sources health</code> shows it). A trend that drops with an outlet's volume is a collection gap, not a change in attention.</p>
<table class="outlets"><thead><tr><th>outlet</th><th>country · language</th><th>ownership · alignment</th><th>collections</th><th>articles</th><th>per week</th><th>last day</th><th>feeds</th></tr></thead>
<tbody>${rows || '<tr><td colspan="8">No outlets yet: run <code>vesti sources sync</code>.</td></tr>'}</tbody></table>`;
  return page({ title: "Outlets", nav: "outlets", body });
}

export function errorPage(status: number, message: string): string {
  return page({
    title: status === 404 ? "Not found" : "Bad request",
    nav: "articles",
    body: `<h1>${status === 404 ? "Not found" : status === 400 ? "Bad request" : "Error"}</h1><p class="error">${h(message)}</p><p><a href="/">Back to the thesis</a></p>`,
  });
}

/**
 * An e-mail's unsubscribe link (the digest's or an alert's) opens this: a button, not an action, because
 * mail scanners and link previews open links (GET) on their own; only the POST unsubscribes.
 */
export function unsubscribeConfirmPage(token: string): string {
  return page({
    title: "Unsubscribe",
    nav: "articles",
    body:
      "<h1>Unsubscribe</h1><p>Stop sending the e-mails this link came with (the Vesti weekly digest, or a saved query's alerts) to the address they were sent to?</p>" +
      `<form method="post" action="/unsubscribe"><input type="hidden" name="token" value="${h(token)}">` +
      '<button type="submit">Unsubscribe</button></form>',
  });
}

/** After the POST: which e-mails stop (the digest, or the alerts of one saved query, by name). */
export function unsubscribedPage(what: { digest: true } | { alertQuery: string }): string {
  const stops =
    "digest" in what ? "the Vesti weekly digest" : `the alerts of the saved query “${h(what.alertQuery)}”`;
  return page({
    title: "Unsubscribed",
    nav: "articles",
    body: `<h1>Unsubscribed</h1><p>You will not get ${stops} any more. To get them again, ask the Vesti operator.</p>`,
  });
}
