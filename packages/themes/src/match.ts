// Applies a compiled taxonomy to one item: tokenise each field in the right view, look each
// token up, extend phrases, drop masked matches, then evaluate the theme rules.

import type { CompiledRule, Taxonomy, ThemeId, ViewId, ViewTables, WordEntry } from "./compile";
import { cyrlView, detectScript, guessLatnLang, latnView, type Script, type TextView } from "./normalize";

/** Which text a match is in: the feed item's title or summary, or the article body fetched from its page. */
export type Field = "title" | "summary" | "body";

export interface Evidence {
  field: Field;
  /** UTF-16 offsets into the original field text, end exclusive. */
  start: number;
  end: number;
  text: string;
}

export interface ThemeTag {
  id: ThemeId;
  evidence: Evidence[];
}

export interface TagInput {
  title: string;
  summary?: string | null;
  /**
   * The article's full text (one paragraph per line), when fetched. It is read like the summary: each of
   * its sentences (and each line) is a window, read with the title for `title+sentence` rules, and the
   * whole article is the `item` window.
   */
  body?: string | null;
  lang?: string | null;
}

/** One group match inside a field (offsets into the original text). */
export interface GroupMatch {
  group: number;
  field: Field;
  sentence: number;
  /**
   * Clause index within the field. A clause with no act of its own (a gapped remnant such as
   * "…, a Srbiji respiratore", or an apposition after a coordinating joint) carries the index of
   * the clause it is read with.
   */
  clause: number;
  start: number;
  end: number;
}

interface Token {
  s: number;
  e: number;
  entries: number[]; // word-pattern ids
}

// What may stand between two words of a phrase: spaces, hyphens, apostrophes, quotes, a comma (not a line
// break: in a body that is a paragraph end).
const JOINER = /^(?![^\n]*\n)[\s\-–—'’"„“”«»,]{1,4}$/u;

function isUpper(ch: string | undefined): boolean {
  return ch !== undefined && ch !== ch.toLowerCase();
}

function accepts(e: WordEntry, tok: string): boolean {
  if (e.caseMode === 0) return true;
  if (e.caseMode === 1) return isUpper(tok[0]);
  return tok === e.exact;
}

const NO_ENTRIES: number[] = [];
const LETTER_RE = /[\p{L}\p{N}\p{M}]/u;
// Word-character table for the BMP ranges news text lives in; anything else asks the regex.
const WORD_TABLE = new Uint8Array(0x530);
for (let c = 0; c < WORD_TABLE.length; c++) WORD_TABLE[c] = LETTER_RE.test(String.fromCharCode(c)) ? 1 : 0;

function isWordChar(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 0x530) return WORD_TABLE[c] === 1;
  if (c >= 0xd800 && c <= 0xdfff) return false; // astral (emoji etc.) never part of a term
  return LETTER_RE.test(text[i]!);
}

/** Most tokens match nothing, so they share one empty array. */
function push(list: number[], wp: number): number[] {
  const l = list === NO_ENTRIES ? [] : list;
  l.push(wp);
  return l;
}

function tokenize(view: TextView, tables: ViewTables): Token[] {
  const out: Token[] = [];
  const text = view.text;
  // Lower-case the whole text once when that keeps every offset (it does unless a letter such as
  // "İ" lower-cases to two code units); otherwise each token on its own.
  const lowerText = text.toLowerCase();
  const sameLength = lowerText.length === text.length;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWordChar(text, i)) {
      i++;
      continue;
    }
    const s = i;
    while (i < n && isWordChar(text, i)) i++;
    const tok = text.slice(s, i);
    const lower = sameLength ? lowerText.slice(s, i) : tok.toLowerCase();
    let entries = NO_ENTRIES;
    const exact = tables.forms.get(lower);
    if (exact !== undefined) for (const e of exact) if (accepts(e, tok)) entries = push(entries, e.wp);
    let node = tables.trie.next.get(lower[0]!);
    for (let k = 1; node !== undefined; k++) {
      for (const e of node.entries) if (accepts(e, tok)) entries = push(entries, e.wp);
      if (k >= lower.length) break;
      node = node.next.get(lower[k]!);
    }
    out.push({ s, e: i, entries });
  }
  return out;
}

/** Match the remaining slots of a term from token i; returns the index after the last token or -1. */
function matchSlots(
  text: string,
  tokens: Token[],
  slots: ViewTables["terms"][number]["slots"],
  si: number,
  ti: number,
): number {
  if (si === slots.length) return ti;
  const slot = slots[si]!;
  const tok = tokens[ti];
  const prev = tokens[ti - 1];
  if (tok !== undefined && prev !== undefined && JOINER.test(text.slice(prev.e, tok.s))) {
    if (slot.any || tok.entries.some((wp) => slot.alts.has(wp))) {
      const r = matchSlots(text, tokens, slots, si + 1, ti + 1);
      if (r >= 0) return r;
    }
  }
  return slot.optional ? matchSlots(text, tokens, slots, si + 1, ti) : -1;
}

/** Match the slots before a term's anchor, right to left from token ti; returns the first token index or -1. */
function matchBack(
  text: string,
  tokens: Token[],
  slots: ViewTables["terms"][number]["slots"],
  si: number,
  ti: number,
): number {
  if (si < 0) return ti + 1;
  const slot = slots[si]!;
  const tok = tokens[ti];
  const next = tokens[ti + 1];
  if (tok !== undefined && next !== undefined && JOINER.test(text.slice(tok.e, next.s))) {
    if (slot.any || tok.entries.some((wp) => slot.alts.has(wp))) {
      const r = matchBack(text, tokens, slots, si - 1, ti - 1);
      if (r >= 0) return r;
    }
  }
  return slot.optional ? matchBack(text, tokens, slots, si - 1, ti) : -1;
}

/**
 * Sentence starts in a field: after . ! ? followed by space and an upper-case letter or quote, and (in a
 * body, where each line is a paragraph or heading) after every line break.
 */
function sentenceStarts(text: string): number[] {
  const starts = [0];
  const re = /[.!?…]+["»”]?\s+(?=[\p{Lu}"«„“])|\n+/gu;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) starts.push(m.index + m[0].length);
  return starts;
}

// Clause joints inside a sentence: a semicolon, a spaced dash, or a comma before a conjunction
// (sr Latin and Cyrillic, ru, en). After a subordinating or adverbial joint (dok, međutim, однако,
// тогда как, while, whereas) a full clause follows; after a coordinating one (a, ali, no, а, но,
// but), a semicolon or a dash the part may be a gapped remnant with no verb of its own ("…Italiji,
// a Srbiji respiratore"), read with the clause before it when it has no act (matchField).
// "a ne" ("and not") is a contrast inside one clause, not a joint.
const CLAUSE_RE =
  /;\s+|\s(?:[–—]|--)\s+|,\s+(?=(?:a(?!\s+ne\s)|ali|no|nego|а(?!\s+(?:не|ne)\s)|али|но|зато|but|yet|(dok|međutim|medjutim|док|међутим|однако|тогда как|в то время как|while|whereas))\s)/giu;

interface Bounds {
  starts: number[];
  sentence: number[];
  /** A clause read on its own even without an act: the first of its sentence, or a full clause. */
  own: boolean[];
}

function clauseBounds(text: string): Bounds {
  const sent = sentenceStarts(text);
  const cuts: { at: number; full: boolean }[] = [];
  CLAUSE_RE.lastIndex = 0;
  for (let m = CLAUSE_RE.exec(text); m !== null; m = CLAUSE_RE.exec(text)) {
    cuts.push({ at: m.index + m[0].length, full: m[1] !== undefined });
  }
  const starts: number[] = [];
  const sentence: number[] = [];
  const own: boolean[] = [];
  let si = 0;
  let ci = 0;
  // Merge the two sorted lists; a cut at a sentence start is that sentence's first clause.
  while (si < sent.length || ci < cuts.length) {
    const nextSent = sent[si] ?? Number.POSITIVE_INFINITY;
    const cut = cuts[ci];
    const nextCut = cut?.at ?? Number.POSITIVE_INFINITY;
    if (nextSent <= nextCut) {
      if (nextCut === nextSent) ci++;
      starts.push(nextSent);
      sentence.push(si);
      own.push(true);
      si++;
    } else {
      starts.push(nextCut);
      sentence.push(si - 1);
      own.push(cut!.full);
      ci++;
    }
  }
  return { starts, sentence, own };
}

/** Index of the window (sentence or clause) holding `pos` (binary search: a body has thousands). */
function indexOf(starts: number[], pos: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function matchField(tax: Taxonomy, viewId: ViewId, field: Field, text: string, out: GroupMatch[]): void {
  const tables = tax.views[viewId];
  const view = viewId === "latn" ? latnView(text) : cyrlView(text);
  const tokens = tokenize(view, tables);
  const found: { group: number; a: number; b: number }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    for (const wp of tok.entries) {
      const termIds = tables.byAnchor.get(wp);
      if (termIds === undefined) continue;
      for (const tid of termIds) {
        const term = tables.terms[tid]!;
        const a = term.anchor === 0 ? i : matchBack(view.text, tokens, term.slots, term.anchor - 1, i - 1);
        if (a < 0) continue;
        const end = matchSlots(view.text, tokens, term.slots, term.anchor + 1, i + 1);
        if (end < 0) continue;
        if (!found.some((f) => f.group === term.group && f.a === a && f.b === end)) {
          found.push({ group: term.group, a, b: end });
        }
      }
    }
  }
  if (found.length === 0) return;
  const masks = found.filter((f) => f.group === tax.maskGroup);
  // Role masks cancel only the groups they name ("u EU": the EU as a destination is not a donor).
  const roleMasks = tax.cancels.size === 0 ? [] : found.filter((f) => tax.cancels.has(f.group));
  let bounds: Bounds | undefined;
  const first = out.length;
  const acts = new Set<number>();
  for (const f of found) {
    if (f.group === tax.maskGroup) continue;
    if (masks.some((m) => m.a < f.b && f.a < m.b)) continue;
    if (roleMasks.some((m) => m.a < f.b && f.a < m.b && tax.cancels.get(m.group)!.includes(f.group)))
      continue;
    const start = view.orig[tokens[f.a]!.s]!;
    const end = view.orig[tokens[f.b - 1]!.e]!;
    bounds ??= clauseBounds(text);
    const c = indexOf(bounds.starts, start);
    if (tax.clauseActs.has(f.group)) acts.add(c);
    out.push({ group: f.group, field, sentence: bounds.sentence[c]!, clause: c, start, end });
  }
  if (bounds === undefined) return;
  for (let i = first; i < out.length; i++) out[i]!.clause = readWith(bounds, acts, out[i]!.clause);
}

/** The clause a clause is read with: itself if it has an act or stands on its own, else the one before. */
function readWith(b: Bounds, acts: Set<number>, clause: number): number {
  let c = clause;
  while (c > 0 && !b.own[c] && !acts.has(c)) c--;
  return c;
}

export interface ItemAnalysis {
  matches: GroupMatch[];
  /** Script family the item was matched in. */
  script: Script;
}

/** All group matches in an item (exported for debugging and `vesti themes test`). */
export function analyzeItem(tax: Taxonomy, item: TagInput): ItemAnalysis {
  const title = item.title ?? "";
  const summary = item.summary ?? "";
  const script = detectScript(summary ? `${title}\n${summary}` : title, item.lang);
  const views = viewsFor(script);
  const matches: GroupMatch[] = [];
  for (const v of views) {
    matchField(tax, v, "title", title, matches);
    if (summary) matchField(tax, v, "summary", summary, matches);
  }
  const body = item.body ?? "";
  if (body) {
    // The body is read in its own script (a Latin headline may sit over a Cyrillic article).
    for (const v of viewsFor(detectScript(body.slice(0, 4000), item.lang)))
      matchField(tax, v, "body", body, matches);
  }
  return { matches, script };
}

function viewsFor(script: Script): ViewId[] {
  // Ambiguous Cyrillic (no letter unique to Serbian or Russian) is matched in both views.
  return script === "ru-cyrl" ? ["cyrl"] : script === "cyrl" ? ["latn", "cyrl"] : ["latn"];
}

/** Language of the item for rule conditions such as `implicit: [sr]` (computed only when needed). */
function itemLang(script: Script, item: TagInput): string {
  if (script === "sr-cyrl") return "sr";
  if (script === "ru-cyrl") return "ru";
  // Cyrillic without a single letter unique to Russian (й ы э я ю ь ъ щ ё) is almost surely
  // Serbian at news length; a hint can still say otherwise.
  if (script === "cyrl") return item.lang === "ru" ? "ru" : "sr";
  if (item.lang === "sr" || item.lang === "en") return item.lang;
  return guessLatnLang(item.summary ? `${item.title}\n${item.summary}` : item.title);
}

/**
 * Pick one non-overlapping match per slot whose recipient holds (slots are few, so plain
 * backtracking is fine).
 */
function satisfy(
  slots: number[][],
  win: Map<number, GroupMatch[]>,
  picked: GroupMatch[],
  rule: CompiledRule,
  fallback: boolean,
): boolean {
  const k = picked.length;
  if (k === slots.length) return rule.require.length === 0 || recipientHolds(rule, win, picked, fallback);
  for (const g of slots[k]!) {
    for (const m of win.get(g) ?? []) {
      if (picked.some((p) => overlaps(p, m))) continue;
      picked.push(m);
      if (satisfy(slots, win, picked, rule, fallback)) return true;
      picked.pop();
    }
  }
  return false;
}

const overlaps = (a: GroupMatch, b: GroupMatch) => a.field === b.field && a.start < b.end && b.start < a.end;
const inClauseOf = (picked: GroupMatch[], m: GroupMatch) =>
  picked.some((p) => p.field === m.field && p.clause === m.clause);

/**
 * The recipient belongs to the clauses the donor and the act are in. Named there, it counts — but
 * beside a rival recipient only in a recipient's role ("Russia sent aid to Italy as Serbia waits":
 * Serbia as a subject is not the recipient; Srbiji, u Srbiju, to Serbia, "Srbija je dobila" are). A
 * rival there (other than the donor itself: "Norveška donirala…") rules out a recipient named
 * elsewhere in the item or left implicit (`fallback`).
 */
function recipientHolds(
  rule: CompiledRule,
  win: Map<number, GroupMatch[]>,
  picked: GroupMatch[],
  fallback: boolean,
): boolean {
  let rival = false;
  for (const g of rule.unless) {
    for (const r of win.get(g) ?? []) {
      if (inClauseOf(picked, r) && !picked.some((p) => overlaps(p, r))) rival = true;
    }
  }
  for (const g of rule.require) {
    for (const r of win.get(g) ?? []) {
      if (!inClauseOf(picked, r)) continue;
      if (rival && rule.subjectForm.some((sg) => (win.get(sg) ?? []).some((x) => overlaps(x, r)))) continue;
      return true;
    }
  }
  return fallback && !rival;
}

function groupBy(matches: GroupMatch[]): Map<number, GroupMatch[]> {
  const by = new Map<number, GroupMatch[]>();
  for (const m of matches) {
    const l = by.get(m.group);
    if (l === undefined) by.set(m.group, [m]);
    else l.push(m);
  }
  return by;
}

/** Group the matches by a key (a window). */
function windowsBy(matches: GroupMatch[], key: (m: GroupMatch) => string): Map<string, GroupMatch[]> {
  const by = new Map<string, GroupMatch[]>();
  for (const m of matches) {
    const k = key(m);
    const l = by.get(k);
    if (l === undefined) by.set(k, [m]);
    else l.push(m);
  }
  return by;
}

export function tagItem(tax: Taxonomy, item: TagInput): ThemeTag[] {
  const { matches, script } = analyzeItem(tax, item);
  let lang: string | undefined;
  if (matches.length === 0) return [];
  const itemGroups = new Set(matches.map((m) => m.group));

  const cache = new Map<CompiledRule["window"], Map<number, GroupMatch[]>[]>();
  const windowsFor = (w: CompiledRule["window"]): Map<number, GroupMatch[]>[] => {
    let ws = cache.get(w);
    if (ws !== undefined) return ws;
    if (w === "item") ws = [groupBy(matches)];
    else if (w === "sentence")
      ws = [...windowsBy(matches, (m) => `${m.field}:${m.sentence}`).values()].map(groupBy);
    else if (w === "title+sentence") {
      // The headline read together with each summary (and body) sentence, since a headline often names the donor
      // and the summary the act (or the reverse).
      const title = matches.filter((m) => m.field === "title");
      const sentences = [...windowsBy(matches, (m) => `${m.field}:${m.sentence}`).entries()]
        .filter(([k]) => !k.startsWith("title:"))
        .map(([, v]) => v);
      ws = sentences.length === 0 ? [groupBy(title)] : sentences.map((ms) => groupBy([...title, ...ms]));
    } else {
      const clauses = windowsBy(matches, (m) => `${m.field}:${m.clause}`);
      if (w === "clause") ws = [...clauses.values()].map(groupBy);
      else {
        // title+clause: each title clause read with each summary clause (the summary says what the
        // headline's event was, so its vetoes apply to it), and each summary clause alone; a title
        // without a summary: each title clause.
        const tcs = [...clauses.entries()].filter(([k]) => k.startsWith("title:")).map(([, v]) => v);
        const scs = [...clauses.entries()].filter(([k]) => !k.startsWith("title:")).map(([, v]) => v);
        if (scs.length === 0) ws = tcs.map(groupBy);
        else {
          ws = scs.map(groupBy);
          for (const tc of tcs) for (const sc of scs) ws.push(groupBy([...tc, ...sc]));
        }
      }
    }
    cache.set(w, ws);
    return ws;
  };

  const tags: ThemeTag[] = [];
  for (const theme of tax.themes) {
    const evidence: GroupMatch[] = [];
    for (const rule of theme.rules) {
      // Most items cannot meet any clause even item-wide: skip them before building windows.
      if (!rule.clauses.some((c) => c.every((slot) => slot.some((g) => itemGroups.has(g))))) continue;
      // Recipient: named in the clauses of the donor and the act; or named elsewhere in the item; or,
      // for the `implicit` languages, left unsaid (no rival anywhere) — the fallbacks only while the
      // donor's and the act's clauses name no rival recipient (see accept below).
      let fallback = true;
      if (rule.require.length > 0 && !rule.require.some((g) => itemGroups.has(g))) {
        lang ??= itemLang(script, item);
        fallback = rule.implicit.includes(lang) && !rule.unless.some((g) => itemGroups.has(g));
      }
      if (rule.vetoItem.some((g) => itemGroups.has(g))) continue;
      for (const win of windowsFor(rule.window)) {
        if (rule.veto.some((g) => win.has(g))) continue;
        if (rule.context.length > 0 && !rule.context.some((g) => win.has(g))) continue;
        for (const clause of rule.clauses) {
          const picked: GroupMatch[] = [];
          if (!satisfy(clause, win, picked, rule, fallback)) continue;
          // A one-slot clause (a plain mention) cites every mention, not just the first.
          if (clause.length === 1) for (const g of clause[0]!) evidence.push(...(win.get(g) ?? []));
          else evidence.push(...picked);
        }
      }
    }
    if (evidence.length > 0) tags.push({ id: theme.id, evidence: toEvidence(evidence, item) });
  }
  return tags;
}

function toEvidence(ms: GroupMatch[], item: TagInput): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  const order = { title: 0, summary: 1, body: 2 } as const;
  const sorted = [...ms].sort((a, b) =>
    a.field === b.field ? a.start - b.start || a.end - b.end : order[a.field] - order[b.field],
  );
  for (const m of sorted) {
    const key = `${m.field}:${m.start}:${m.end}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const source =
      m.field === "title" ? item.title : m.field === "summary" ? (item.summary ?? "") : (item.body ?? "");
    const text = source.slice(m.start, m.end);
    out.push({ field: m.field, start: m.start, end: m.end, text });
  }
  return out;
}
