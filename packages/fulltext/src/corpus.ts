import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { ExtractOptions, ExtractStatus } from "./extract";

// Labelled pages for evaluation and benchmarks: our own fixtures (fixtures/pages: NAME.html, NAME.txt with
// the article text a reader would call the article, NAME.json with the page's options and expected
// status) and, when given a folder, a corpus in the scrapinghub article-extraction-benchmark's layout
// (ground-truth.json + html/ID.html.gz), which is read in place and never copied into the repository.

export interface LabelledPage {
  name: string;
  html: Buffer;
  /** Ground-truth article text ("" when the page has none: paywalled, empty). */
  truth: string;
  options: ExtractOptions;
  /** The status the page must get (our fixtures only). */
  expectedStatus?: ExtractStatus;
  /** Topics the page exercises (comments, gallery, live blog...), for the report. */
  shape?: string;
}

export const FIXTURE_PAGES_DIR = new URL("../fixtures/pages/", import.meta.url);

interface PageMeta {
  url?: string;
  summary?: string;
  selectors?: string[];
  exclude?: string[];
  minLength?: number;
  status?: ExtractStatus;
  shape?: string;
}

/** The project's labelled pages (gzipped pages, NAME.html.gz, are read too). */
export function loadFixturePages(dir: URL | string = FIXTURE_PAGES_DIR): LabelledPage[] {
  const path = typeof dir === "string" ? dir : fileURLToPath(dir);
  const pages: LabelledPage[] = [];
  for (const file of readdirSync(path).sort()) {
    const m = /^(.+)\.html(\.gz)?$/.exec(file);
    if (!m) continue;
    const name = m[1]!;
    const raw = readFileSync(join(path, file));
    const truthFile = join(path, `${name}.txt`);
    const metaFile = join(path, `${name}.json`);
    const meta: PageMeta = existsSync(metaFile)
      ? (JSON.parse(readFileSync(metaFile, "utf8")) as PageMeta)
      : {};
    pages.push({
      name,
      html: m[2] ? gunzipSync(raw) : raw,
      truth: existsSync(truthFile) ? readFileSync(truthFile, "utf8") : "",
      options: {
        url: meta.url ?? null,
        selectors: meta.selectors ?? null,
        exclude: meta.exclude ?? null,
        minLength: meta.minLength ?? null,
      },
      ...(meta.status ? { expectedStatus: meta.status } : {}),
      ...(meta.shape ? { shape: meta.shape } : {}),
    });
  }
  return pages;
}

/** A corpus in the article-extraction-benchmark layout, or null when `dir` does not hold one. */
export function loadBenchmarkCorpus(dir: string): LabelledPage[] | null {
  const truthFile = join(dir, "ground-truth.json");
  if (!existsSync(truthFile)) return null;
  const truth = JSON.parse(readFileSync(truthFile, "utf8")) as Record<
    string,
    { articleBody?: string; url?: string }
  >;
  const pages: LabelledPage[] = [];
  for (const [id, t] of Object.entries(truth)) {
    const gz = join(dir, "html", `${id}.html.gz`);
    const plain = join(dir, "html", `${id}.html`);
    const html = existsSync(gz)
      ? gunzipSync(readFileSync(gz))
      : existsSync(plain)
        ? readFileSync(plain)
        : null;
    if (!html) continue;
    pages.push({ name: id.slice(0, 12), html, truth: t.articleBody ?? "", options: { url: t.url ?? null } });
  }
  return pages;
}
