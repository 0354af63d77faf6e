// franc's trigram distance, computed over franc's own models, but returning raw distances for a known
// script and a fixed candidate list. This is exactly what `francAll(text, { only })` computes (a unit test
// checks the scores match); we skip its script detection (some thirty regular expressions per call, the
// bulk of its cost) because we already know the script, and we need the raw distances to weigh franc's
// evidence against letter evidence.
import { data } from "franc/data.js";

/** franc: a trigram missing from a model costs this much. */
const MAX_DIFFERENCE = 300;

export type FrancScript = "Latin" | "Cyrillic";

const models = new Map<string, Map<string, number>>();

function model(script: FrancScript, lang: string): Map<string, number> | undefined {
  const key = `${script}:${lang}`;
  let m = models.get(key);
  if (!m) {
    const raw = data[script]?.[lang];
    if (raw === undefined) return undefined;
    m = new Map();
    const grams = raw.split("|");
    for (let i = 0; i < grams.length; i++) m.set(grams[i]!, i);
    models.set(key, m);
  }
  return m;
}

/** trigram-utils `asTuples`: clean (drop ASCII punctuation and digits, collapse spaces, lowercase), pad, count. */
export function trigramCounts(value: string): Map<string, number> {
  const clean = ` ${value
    .replace(/[\u0021-\u0040]+/g, " ")
    .replace(/\s+/g, " ")
    .trim()
    .toLowerCase()} `;
  const counts = new Map<string, number>();
  for (let i = 0; i + 3 <= clean.length; i++) {
    const g = clean.slice(i, i + 3);
    counts.set(g, (counts.get(g) ?? 0) + 1);
  }
  return counts;
}

export interface FrancResult {
  /** Raw distance per language: lower is closer. */
  distances: Map<string, number>;
  /** franc's normalised score per language (1 = best), as `francAll` would report it. */
  scores: Record<string, number>;
}

// One lookup per trigram for all candidates: trigram → rank in each candidate's model (-1 when absent).
// Built once per (script, candidate list); there are only a handful of lists.
const indexes = new Map<string, { langs: string[]; ranks: Map<string, Int16Array> }>();

function indexFor(script: FrancScript, langs: readonly string[]) {
  const key = `${script}:${langs.join(",")}`;
  let idx = indexes.get(key);
  if (!idx) {
    const present = langs.filter((l) => model(script, l) !== undefined);
    const ranks = new Map<string, Int16Array>();
    present.forEach((lang, i) => {
      for (const [g, rank] of model(script, lang)!) {
        let row = ranks.get(g);
        if (!row) {
          row = new Int16Array(present.length).fill(-1);
          ranks.set(g, row);
        }
        row[i] = rank;
      }
    });
    idx = { langs: present, ranks };
    indexes.set(key, idx);
  }
  return idx;
}

export function francDistances(value: string, script: FrancScript, langs: readonly string[]): FrancResult {
  const counts = trigramCounts(value);
  const { langs: present, ranks } = indexFor(script, langs);
  const n = present.length;
  const dist = new Float64Array(n);
  for (const [g, count] of counts) {
    const row = ranks.get(g);
    if (!row) {
      for (let i = 0; i < n; i++) dist[i] = dist[i]! + MAX_DIFFERENCE;
      continue;
    }
    for (let i = 0; i < n; i++) {
      const rank = row[i]!;
      if (rank < 0) dist[i] = dist[i]! + MAX_DIFFERENCE;
      else {
        const diff = count - rank - 1;
        dist[i] = dist[i]! + (diff < 0 ? -diff : diff);
      }
    }
  }
  const distances = new Map<string, number>();
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    distances.set(present[i]!, dist[i]!);
    if (dist[i]! < min) min = dist[i]!;
  }
  const max = value.length * MAX_DIFFERENCE - min;
  const scores: Record<string, number> = {};
  const sorted = [...distances.entries()].sort((a, b) => a[1] - b[1]);
  for (const [lang, d] of sorted) scores[lang] = 1 - (d - min) / max || 0;
  return { distances, scores };
}
