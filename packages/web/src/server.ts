import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { FONT_FILES, renderChart, svgToPng } from "@vesti/charts";
import type { Config } from "@vesti/config";
import {
  alertUnsubscribeByLink,
  asAnalyst,
  createDb,
  type Database,
  queryDimensionValues,
  queryKosovoTie,
  queryLastDay,
  queryOutletActivity,
  queryPeriodArticles,
  type TieWeekRow,
  unsubscribeByLink,
} from "@vesti/db";
import { basicAuth, type Logger } from "@vesti/runtime";
import { defaultTaxonomy } from "@vesti/themes";
import { type Kysely, sql } from "kysely";
import { type ChartData, type ReadFn, thesisChart, tieChart, viewChart } from "./charts";
import {
  articlesFragment,
  articlesPage,
  comparePage,
  errorPage,
  explorePage,
  landingPage,
  outletsPage,
  unsubscribeConfirmPage,
  unsubscribedPage,
} from "./pages";
import {
  BadRequest,
  type ChartView,
  type LandingView,
  parseArticles,
  parseCompare,
  parseExplore,
  parseLanding,
  viewParams,
} from "./view";

// The trends page's HTTP server: read-only (every query runs in asAnalyst: a read-only transaction as
// vesti_analyst), server-rendered HTML with inline SVG, a strict Content-Security-Policy (no inline script
// or style: one external module and one stylesheet), optional HTTP basic auth (the ops board's), and no
// endpoint that takes SQL: every parameter is parsed by a zod schema into a fixed query.

export interface WebServerOptions {
  /** The database, from the caller (a pool it owns); or a URL, for which the server makes its own pool. */
  db?: Kysely<Database>;
  databaseUrl?: string;
  poolSize?: number;
  host?: string;
  port?: number;
  logger: Logger;
  /** "user:password" for HTTP basic auth; undefined: no login. */
  auth?: string;
  /** Where readers reach the page (links in e-mails); informational here. */
  publicUrl?: string;
  /** The clock (tests pin it): decides the "last complete week". */
  now?: () => Date;
  /** How long the landing page's co-occurrence numbers are reused (they read article tables). */
  tieCacheMs?: number;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const ASSETS = new URL("../assets/", import.meta.url);
const asset = (name: string) => readFileSync(new URL(name, ASSETS));

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join("; ");

// A downloaded SVG opened from this origin: no script at all, its own presentation attributes only.
const SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox";

const SECURITY_HEADERS: Record<string, string> = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "permissions-policy": "camera=(), microphone=(), geolocation=()",
};

class NotFound extends Error {}

interface Reply {
  status?: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const opt = <K extends string, V>(key: K, value: V | undefined) =>
  (value === undefined ? {} : { [key]: value }) as Partial<Record<K, V>>;

const html = (body: string, status = 200): Reply => ({ status, type: "text/html; charset=utf-8", body });

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { logger } = options;
  if (!options.db && !options.databaseUrl) throw new Error("startWebServer needs db or databaseUrl");
  // Our own pool logs in as whoever DATABASE_URL names and then runs as vesti_analyst, read-only, from the
  // first statement on; asAnalyst adds the same inside every request's transaction for a caller's pool.
  const ownDb = options.db
    ? undefined
    : createDb(options.databaseUrl!, {
        poolSize: options.poolSize ?? 5,
        applicationName: "vesti-web",
        startupOptions: "-c role=vesti_analyst -c default_transaction_read_only=on",
      });
  const db = options.db ?? ownDb!;
  const now = options.now ?? (() => new Date());
  const labels = new Map(defaultTaxonomy().themes.map((t) => [t.id as string, t.label]));
  const read: ReadFn = (fn) => asAnalyst(db, fn);
  const auth = options.auth ? basicAuth(options.auth, "Vesti") : undefined;

  // The tie reads article_themes (seconds on a large database unfiltered): reuse a result for a while.
  const tieCache = new Map<string, { at: number; rows: Promise<TieWeekRow[]> }>();
  const tieTtl = options.tieCacheMs ?? 5 * 60_000;
  const loadTie = (range: { since?: string; until?: string }) => {
    const key = `${range.since ?? ""}|${range.until ?? ""}`;
    const hit = tieCache.get(key);
    if (hit && Date.now() - hit.at < tieTtl) return hit.rows;
    const rows = read((trx) => queryKosovoTie(trx, range));
    rows.catch(() => tieCache.delete(key));
    if (tieCache.size > 50) tieCache.clear();
    tieCache.set(key, { at: Date.now(), rows });
    return rows;
  };

  const landingData = async (view: LandingView) => {
    const [thesis, tie] = await Promise.all([
      read((trx) => thesisChart(trx, view, now())),
      tieChart(db, view, now(), loadTie),
    ]);
    return { thesis, tie };
  };
  const viewData = (view: ChartView, kind: "explore" | "compare") => viewChart(read, view, kind, labels);

  const chartOf = async (name: string, params: URLSearchParams): Promise<ChartData> => {
    // Each download reads only its own chart (the tie's query is the slow one).
    if (name === "thesis") return read((trx) => thesisChart(trx, parseLanding(params), now()));
    if (name === "tie") return tieChart(db, parseLanding(params), now(), loadTie);
    if (name === "explore") return viewData(parseExplore(params), "explore");
    if (name === "compare") return viewData(parseCompare(params), "compare");
    throw new NotFound(`no chart "${name}"`);
  };

  /** The "reset zoom" link: the same view without from/to; none when the view is not zoomed. */
  const withoutRange = (path: string, params: URLSearchParams) => {
    if (!params.has("from") && !params.has("to")) return undefined;
    const p = new URLSearchParams(params);
    p.delete("from");
    p.delete("to");
    const q = p.toString();
    return `${path}${q ? `?${q}` : ""}`;
  };

  const routes: Record<string, (params: URLSearchParams) => Promise<Reply>> = {
    "/": async (params) => {
      const view = parseLanding(params);
      const { thesis, tie } = await landingData(view);
      return html(
        landingPage({
          view,
          thesis: {
            id: "thesis",
            chart: renderChart(thesis.spec),
            download: "/thesis",
            query: params,
            reading: thesis.reading,
            ...opt("resetZoom", withoutRange("/", params)),
          },
          tie: {
            id: "tie",
            chart: renderChart(tie.spec),
            download: "/tie",
            query: params,
            reading: tie.reading,
            ...opt("resetZoom", withoutRange("/", params)),
          },
        }),
      );
    },
    "/explore": async (params) => {
      const view = parseExplore(params);
      const [data, values] = await Promise.all([viewData(view, "explore"), read(queryDimensionValues)]);
      const query = viewParams(view, "explore");
      return html(
        explorePage({
          view,
          labels,
          values,
          chart: {
            id: "explore",
            chart: renderChart(data.spec),
            download: "/explore",
            query,
            ...opt("resetZoom", withoutRange("/explore", query)),
          },
        }),
      );
    },
    "/compare": async (params) => {
      const view = parseCompare(params);
      const data = await viewData(view, "compare");
      const query = viewParams(view, "compare");
      return html(
        comparePage({
          view,
          labels,
          chart: {
            id: "compare",
            chart: renderChart(data.spec),
            download: "/compare",
            query,
            ...opt("resetZoom", withoutRange("/compare", query)),
          },
        }),
      );
    },
    "/articles": async (params) => {
      const view = parseArticles(params);
      const pageSize = view.order === "sample" ? 10 : 50;
      const result = await read((trx) =>
        queryPeriodArticles(trx, {
          query: view.query,
          ...(view.also ? { alsoTheme: view.also } : {}),
          from: view.from,
          to: view.to,
          order: view.order,
          limit: pageSize,
          offset: view.order === "time" ? (view.page - 1) * pageSize : 0,
        }),
      );
      const data = { view, total: result.total, articles: result.articles, pageSize, labels };
      return html(view.fragment ? articlesFragment(data) : articlesPage(data));
    },
    "/outlets": async () => {
      const weeks = 12;
      const outlets = await read(async (trx) => {
        const last = (await queryLastDay(trx)) ?? now().toISOString().slice(0, 10);
        return queryOutletActivity(trx, { weeks, until: last });
      });
      return html(outletsPage({ outlets, weeks, now: now() }));
    },
    "/healthz": async () => {
      try {
        await read((trx) => sql`SELECT 1 FROM analytics.current_taxonomy`.execute(trx));
        return { type: "application/json", body: JSON.stringify({ ok: true, failures: [] }) };
      } catch (error) {
        return {
          status: 503,
          type: "application/json",
          body: JSON.stringify({
            ok: false,
            failures: [{ check: "postgres", error: (error as Error).message }],
          }),
        };
      }
    },
    "/assets/app.js": async () => ({ type: "text/javascript; charset=utf-8", body: asset("app.js") }),
    "/assets/app.css": async () => ({ type: "text/css; charset=utf-8", body: asset("app.css") }),
    "/assets/favicon.svg": async () => ({ type: "image/svg+xml", body: asset("favicon.svg") }),
    "/favicon.ico": async () => ({ type: "image/svg+xml", body: asset("favicon.svg") }),
    "/assets/NotoSans-Regular.ttf": async () => ({
      type: "font/ttf",
      body: readFileSync(FONT_FILES.regular),
    }),
    "/assets/NotoSans-Bold.ttf": async () => ({ type: "font/ttf", body: readFileSync(FONT_FILES.bold) }),
  };

  const download = async (name: string, ext: string, params: URLSearchParams): Promise<Reply> => {
    const data = await chartOf(name, params);
    const file = `vesti-${name}`;
    const attachment = (e: string) => ({ "content-disposition": `attachment; filename="${file}.${e}"` });
    if (ext === "csv") return { type: "text/csv; charset=utf-8", body: data.csv, headers: attachment("csv") };
    const svg = renderChart({ ...data.spec, href: undefined, omitHidden: true }).svg;
    if (ext === "svg")
      return {
        type: "image/svg+xml; charset=utf-8",
        body: `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`,
        headers: { ...attachment("svg"), "content-security-policy": SVG_POLICY },
      };
    return { type: "image/png", body: svgToPng(svg, { width: 1760 }), headers: attachment("png") };
  };

  // The one write: an e-mail's unsubscribe link, the digest's or an alert's (and mail clients' RFC 8058
  // one-click POST to it). The role stays vesti_analyst, in a read-write transaction whose only possible
  // writes are the digest_unsubscribe and alert_unsubscribe functions (migrations 0010, 0012); the token
  // is the capability.
  const unsubscribe = async (req: IncomingMessage, url: URL): Promise<Reply> => {
    if (req.method === "GET" || req.method === "HEAD") {
      const token = parseUnsubscribeToken(url.searchParams.get("token"));
      return html(unsubscribeConfirmPage(token));
    }
    if (req.method !== "POST")
      return {
        status: 405,
        type: "text/plain; charset=utf-8",
        body: "GET or POST only\n",
        headers: { allow: "GET, HEAD, POST" },
      };
    const form = new URLSearchParams(await readSmallBody(req, 4096));
    const token = parseUnsubscribeToken(url.searchParams.get("token") ?? form.get("token"));
    const done = await db
      .transaction()
      .setAccessMode("read write")
      .execute(async (trx) => {
        await sql`SET LOCAL ROLE vesti_analyst`.execute(trx);
        if (await unsubscribeByLink(trx, token)) return { digest: true as const };
        const alertQuery = await alertUnsubscribeByLink(trx, token);
        return alertQuery === null ? null : { alertQuery };
      });
    if (!done) throw new NotFound("This unsubscribe link is not valid: no e-mail was sent with it.");
    logger.info({ what: "digest" in done ? "digest" : "alerts" }, "unsubscribed by link");
    return html(unsubscribedPage(done));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://localhost");
    let reply: Reply;
    try {
      if (url.pathname === "/unsubscribe") {
        reply = await unsubscribe(req, url);
      } else if (req.method !== "GET" && req.method !== "HEAD") {
        reply = {
          status: 405,
          type: "text/plain; charset=utf-8",
          body: "read-only: GET only\n",
          headers: { allow: "GET, HEAD" },
        };
      } else {
        const m = /^\/(thesis|tie|explore|compare)\.(csv|svg|png)$/.exec(url.pathname);
        const route = routes[url.pathname];
        if (m) reply = await download(m[1]!, m[2]!, url.searchParams);
        else if (route) reply = await route(url.searchParams);
        else throw new NotFound(`no page at ${url.pathname}`);
      }
    } catch (error) {
      if (error instanceof BadRequest) reply = html(errorPage(400, error.message), 400);
      else if (error instanceof NotFound) reply = html(errorPage(404, error.message), 404);
      else {
        logger.error({ err: error, path: url.pathname }, "web request failed");
        reply = html(errorPage(500, "Something went wrong; the error is in the server's log."), 500);
      }
    }
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      "content-type": reply.type,
      "cache-control": url.pathname.startsWith("/assets/") ? "public, max-age=3600" : "no-store",
      "server-timing": `app;dur=${(performance.now() - started).toFixed(1)}`,
      ...reply.headers,
    };
    res.writeHead(reply.status ?? 200, headers);
    res.end(req.method === "HEAD" ? undefined : reply.body);
    logger.debug(
      { path: url.pathname, status: reply.status ?? 200, ms: Math.round(performance.now() - started) },
      "web request",
    );
  };

  const server = createServer((req, res) => {
    // /healthz stays open for probes, like the ops board's; /unsubscribe for digest readers, who have no login.
    const path = (req.url ?? "/").split("?")[0];
    if (auth && path !== "/healthz" && path !== "/unsubscribe")
      return auth(req, res, () => void handle(req, res));
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? "127.0.0.1";
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  logger.info({ url, auth: Boolean(auth) }, "trends page listening");
  // Warm the slow landing numbers so the first visitor does not wait for them.
  void loadTie({}).catch((err) =>
    logger.warn({ err: (err as Error).message }, "could not warm the landing page"),
  );
  return {
    url,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await ownDb?.destroy();
    },
  };
}

/** An unsubscribe token as the digest (base64url) and the alert e-mails (hex) make them; anything else is a bad link. */
function parseUnsubscribeToken(value: string | null): string {
  const token = value?.trim() ?? "";
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token))
    throw new BadRequest("This unsubscribe link is incomplete: copy the whole link from the e-mail.");
  return token;
}

/** A request body of at most `limit` bytes, as text; a larger one is a bad request. */
async function readSmallBody(req: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new BadRequest(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** The server's options from the settings (packages/config); `overrides` are the command line's. */
export function webServerOptionsFromConfig(
  config: Config,
  logger: Logger,
  overrides: { host?: string; port?: number } = {},
): WebServerOptions {
  return {
    ...(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : {}),
    poolSize: Math.min(config.DATABASE_POOL_SIZE, 10),
    host: overrides.host ?? config.WEB_HOST,
    port: overrides.port ?? config.WEB_PORT,
    logger,
    ...(config.WEB_AUTH ? { auth: config.WEB_AUTH } : {}),
    ...(config.WEB_PUBLIC_URL ? { publicUrl: config.WEB_PUBLIC_URL } : {}),
  };
}
