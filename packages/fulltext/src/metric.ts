// The scoring of the scrapinghub article-extraction-benchmark (evaluate.py), reimplemented so that figures
// on our own pages compare with the published ones:
// - tokens are runs of word characters (Python's `\w`: letters, numbers, underscore), case kept;
// - a text is a multiset of 4-token shingles (a text of fewer than 4 tokens is one shorter shingle);
// - per page, TP/FP/FN are counts of shingles in both / only the prediction / only the truth, then
//   normalised to sum 1 so that long pages weigh as much as short ones;
// - precision is the mean over pages with TP+FP > 0, recall the mean over pages with TP+FN > 0, and F1 is
//   computed from those two means (not the mean of per-page F1).

const TOKEN = /[\p{L}\p{N}_]+/gu;
export const SHINGLE_SIZE = 4;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

function shingles(text: string, n: number): Map<string, number> {
  const tokens = tokenize(text);
  const out = new Map<string, number>();
  const last = Math.max(1, tokens.length - n + 1);
  for (let i = 0; i < last; i++) {
    const s = tokens.slice(i, i + n);
    if (s.length === 0) continue;
    // U+0001 cannot occur inside a token, so the joined key is unambiguous.
    const key = s.join("\u0001");
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export interface PageScore {
  tp: number;
  fp: number;
  fn: number;
}

/** Normalised shingle TP/FP/FN of one page (all zero when both texts have no tokens). */
export function shingleMatch(truth: string, predicted: string, n = SHINGLE_SIZE): PageScore {
  const t = shingles(truth, n);
  const p = shingles(predicted, n);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [k, tc] of t) {
    const pc = p.get(k) ?? 0;
    tp += Math.min(tc, pc);
    fn += Math.max(0, tc - pc);
  }
  for (const [k, pc] of p) fp += Math.max(0, pc - (t.get(k) ?? 0));
  const s = tp + fp + fn;
  return s > 0 ? { tp: tp / s, fp: fp / s, fn: fn / s } : { tp: 0, fp: 0, fn: 0 };
}

export function precisionOf({ tp, fp, fn }: PageScore): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fp === 0) return 0;
  return tp / (tp + fp);
}

export function recallOf({ tp, fp, fn }: PageScore): number {
  if (fp === 0 && fn === 0) return 1;
  if (tp === 0 && fn === 0) return 0;
  return tp / (tp + fn);
}

export interface Scores {
  precision: number;
  recall: number;
  f1: number;
  /** Pages that entered the precision (TP+FP > 0) and recall (TP+FN > 0) means. */
  precisionPages: number;
  recallPages: number;
}

const mean = (xs: number[]) => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Corpus scores from per-page scores, as the benchmark aggregates them. */
export function aggregateScores(pages: readonly PageScore[]): Scores {
  const p = pages.filter((s) => s.tp + s.fp > 0).map(precisionOf);
  const r = pages.filter((s) => s.tp + s.fn > 0).map(recallOf);
  const precision = mean(p);
  const recall = mean(r);
  return {
    precision,
    recall,
    f1: (2 * precision * recall) / (precision + recall),
    precisionPages: p.length,
    recallPages: r.length,
  };
}
