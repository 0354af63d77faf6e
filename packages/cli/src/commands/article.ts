import { readFile } from "node:fs/promises";
import type { Writable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { DEFAULT_FETCH_OPTIONS, FeedFetchError, fetchDocument } from "@vesti/feeds";
import { MAX_PAGE_BYTES } from "@vesti/fulltext";
import { type ArticlePage, readArticlePage } from "@vesti/ingest";
import type { Command } from "commander";
import { resolveUserPath } from "./paths";

export interface ArticleInspectOptions {
  allowPrivate?: boolean;
  selector?: string[];
  exclude?: string[];
  minLength?: string;
  lang?: string;
  country?: string;
  userAgent?: string;
  timeout?: string;
  maxBytes?: string;
}

async function loadPage(input: string, opts: ArticleInspectOptions): Promise<ArticlePage> {
  const maxBytes = opts.maxBytes ? Number(opts.maxBytes) : MAX_PAGE_BYTES;
  if (/^https?:\/\//i.test(input)) {
    const res = await fetchDocument(input, {
      allowPrivateNetworks: opts.allowPrivate === true,
      maxBytes,
      ...(opts.userAgent ? { userAgent: opts.userAgent } : {}),
      ...(opts.timeout ? { totalTimeoutMs: Number(opts.timeout) } : {}),
    });
    return { body: res.body, contentType: res.contentType, finalUrl: res.finalUrl };
  }
  const path = resolveUserPath(input);
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // Saved pages are often gzipped (.html.gz, wget/curl archives): recognised by their magic bytes.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (e) {
      throw new Error(
        (e as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE"
          ? `${path}: more than ${maxBytes} bytes after decompression`
          : `${path}: not a valid gzip file`,
      );
    }
  }
  if (bytes.length > maxBytes) throw new Error(`${path}: larger than ${maxBytes} bytes`);
  return { body: bytes, contentType: null, finalUrl: new URL(`file://${path}`).href };
}

/**
 * `vesti article inspect`: the worker's page path (fetchDocument for URLs, then readArticlePage: extract,
 * identify the body's language) on saved pages or live URLs. One JSON line per input, in order; an input
 * that fails gets an error line and the others still run. Returns the number of failed inputs.
 */
export async function inspectArticles(
  inputs: readonly string[],
  opts: ArticleInspectOptions,
  out: Writable,
): Promise<number> {
  let errors = 0;
  for (const input of inputs) {
    let line: Record<string, unknown>;
    try {
      const page = await loadPage(input, opts);
      const { extract, language } = readArticlePage(page, {
        selectors: opts.selector ?? null,
        exclude: opts.exclude ?? null,
        minLength: opts.minLength ? Number(opts.minLength) : null,
        feedLanguage: opts.lang ?? null,
        country: opts.country ?? null,
      });
      line = {
        input,
        title: extract.title,
        text: extract.text,
        method: extract.method,
        lang: language?.lang ?? null,
        script: language?.script ?? null,
        status: extract.status,
        length: extract.length,
        reason: extract.reason,
        encoding: extract.encoding,
      };
    } catch (e) {
      errors++;
      const kind = e instanceof FeedFetchError ? `${e.kind}${e.status ? ` ${e.status}` : ""}: ` : "";
      line = { input, error: `${kind}${e instanceof Error ? e.message : String(e)}` };
    }
    out.write(`${JSON.stringify(line)}\n`);
  }
  return errors;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerArticleCommands(program: Command): void {
  const article = program.command("article").description("Article pages (full text extraction)");
  article
    .command("inspect")
    .argument("<file-or-url...>", "saved pages (.html or gzipped) or http(s) URLs")
    .description(
      "Extract each page as the worker does; one JSON line per input (input, title, text, method, lang, status...). Exit 2 when any input failed.",
    )
    .option("--selector <css>", "the outlet's body selector (repeatable)", collect)
    .option("--exclude <css>", "a selector of elements to drop (repeatable)", collect)
    .option("--min-length <n>", "shortest body accepted, in characters")
    .option("--lang <code>", "language hint (the outlet's or feed's language)")
    .option("--country <CC>", "the outlet's country, a language hint")
    .option("--allow-private", "allow fetching from private/loopback addresses", false)
    .option("--user-agent <ua>", "User-Agent header")
    .option("--max-bytes <n>", `largest page accepted after decompression (default ${MAX_PAGE_BYTES})`)
    .option("--timeout <ms>", `total timeout in ms (default ${DEFAULT_FETCH_OPTIONS.totalTimeoutMs})`)
    .action(async (inputs: string[], opts: ArticleInspectOptions) => {
      const errors = await inspectArticles(inputs, opts, process.stdout);
      if (errors > 0) process.exitCode = 2;
    });
}
