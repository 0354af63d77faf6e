// Compiles the taxonomy YAML into lookup tables. All stems × endings are expanded into one
// dictionary per view (word form → word patterns), plus a character trie for prefix patterns,
// so matching is one hash lookup (and a short trie walk) per token, whatever the term count.

import { createHash } from "node:crypto";
import { parse } from "yaml";
import { foldCyrl, foldLatn } from "./normalize";

export const THEME_IDS = [
  "kosovo",
  "russian_aid",
  "chinese_aid",
  "mask_diplomacy",
  "eu_aid",
  "vucic",
  "putin",
  "xi",
] as const;
export type ThemeId = (typeof THEME_IDS)[number];

export const LANGS = ["sr", "ru", "en"] as const;
export type TermLang = (typeof LANGS)[number];
/** sr and en terms run on the folded Latin view; ru terms on the Cyrillic view. */
export type ViewId = "latn" | "cyrl";
export const viewOf = (lang: TermLang): ViewId => (lang === "ru" ? "cyrl" : "latn");

/** 0: any case; 1: first letter upper case; 2: exact case. */
type CaseMode = 0 | 1 | 2;

export interface WordEntry {
  wp: number;
  caseMode: CaseMode;
  /** For caseMode 2: the form with its case as written. */
  exact?: string;
}

interface TrieNode {
  next: Map<string, TrieNode>;
  entries: WordEntry[];
}

export interface Slot {
  alts: Set<number>;
  optional: boolean;
  /** "~": any one word (for phrases like "Serbia <anything> donated"). */
  any: boolean;
}

export interface Term {
  group: number;
  slots: Slot[];
  /** The slot the term is indexed by: its most selective required word (see addTerm). */
  anchor: number;
  source: string;
}

export interface ViewTables {
  forms: Map<string, WordEntry[]>;
  trie: TrieNode;
  /** Terms indexed by the word patterns of their anchor slot. */
  byAnchor: Map<number, number[]>;
  terms: Term[];
}

export const WINDOWS = ["clause", "title+clause", "sentence", "title+sentence", "item"] as const;
export type RuleWindow = (typeof WINDOWS)[number];

export interface CompiledRule {
  clauses: number[][][]; // clause → slot → any-of group ids
  /**
   * clause: one clause; title+clause: a title clause, a summary clause, or one of each; sentence: one
   * sentence; title+sentence: the title with one summary sentence; item: everything.
   */
  window: RuleWindow;
  veto: number[];
  /** Vetoes that apply when the group occurs anywhere in the item. */
  vetoItem: number[];
  /** Recipient groups: one must occur in the window, or elsewhere in the item when the window names no rival. */
  require: number[];
  implicit: string[];
  /** Rival recipients: in the window they rule out a recipient named elsewhere; in the item, an implicit one. */
  unless: number[];
  /** Groups of which one must occur in the window (corroboration); they are not cited as evidence. */
  context: number[];
  /** Where a rival recipient shares the act's clauses, recipient matches overlapping these do not count. */
  subjectForm: number[];
}

export interface CompiledTheme {
  id: ThemeId;
  label: string;
  description: string;
  rules: CompiledRule[];
  /** Groups the theme's rules refer to (for describeTaxonomy). */
  groups: string[];
}

export interface Taxonomy {
  /** First 12 hex digits of the sha256 of the YAML text. */
  version: string;
  source: string;
  themes: CompiledTheme[];
  groupNames: string[];
  /** Raw term strings per group and language, as written in the YAML. */
  groupTerms: Record<string, Partial<Record<TermLang, string[]>>>;
  maskGroup: number;
  /** Role masks: a match of the key group cancels overlapping matches of the listed groups only. */
  cancels: Map<number, number[]>;
  /** Groups that make a clause a clause of its own (see `clauses.acts` in the YAML). */
  clauseActs: Set<number>;
  views: Record<ViewId, ViewTables>;
}

interface RawRule {
  match: unknown;
  window?: unknown;
  veto?: unknown;
  veto_item?: unknown;
  require?: unknown;
  implicit?: unknown;
  unless?: unknown;
  context?: unknown;
  subject_form?: unknown;
}

export class TaxonomyError extends Error {}

function asStringList(v: unknown, where: string): string[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string" && typeof x !== "number")) {
    throw new TaxonomyError(`${where}: expected a list of strings`);
  }
  return v.map(String);
}

/**
 * Revision of what the matcher makes of a taxonomy (windows, recipients, masks). Bump it with any
 * matcher change that tags the same YAML differently, so stored articles are retagged.
 * 2: clause windows, role masks, recipients in the donor's and act's clauses (issue 16).
 */
export const MATCHER_REVISION = 2;

/**
 * The taxonomy's version: a hash of its parsed content and the matcher revision, so comments and
 * formatting do not change it (and do not trigger a retag), while any change to a term or rule does.
 */
export function versionOf(yamlText: string): string {
  return createHash("sha256")
    .update(`${MATCHER_REVISION}\n${JSON.stringify(parse(yamlText))}`, "utf8")
    .digest("hex")
    .slice(0, 12);
}

export function compileTaxonomy(yamlText: string, source = "<inline>"): Taxonomy {
  const doc = parse(yamlText) as Record<string, unknown> | null;
  if (doc === null || typeof doc !== "object") throw new TaxonomyError("taxonomy: empty document");
  const endings = (doc["endings"] ?? {}) as Record<string, Record<string, unknown>>;
  const groupsRaw = (doc["groups"] ?? {}) as Record<string, Record<string, unknown>>;
  const themesRaw = (doc["themes"] ?? {}) as Record<string, Record<string, unknown>>;

  const views: Record<ViewId, ViewTables> = { latn: emptyView(), cyrl: emptyView() };
  const groupNames: string[] = [];
  const groupIndex = new Map<string, number>();
  const groupTerms: Taxonomy["groupTerms"] = {};
  let wpCounter = 0;
  /** Shortest text a word pattern matches: short words (u, i, za, с) are frequent, so poor anchors. */
  const minLength = new Map<number, number>();

  const fold = (lang: TermLang, s: string) => (lang === "ru" ? foldCyrl(s) : foldLatn(s));

  const endingClass = (lang: TermLang, name: string): string[] | undefined => {
    const cls = endings[lang]?.[name];
    return cls === undefined ? undefined : asStringList(cls, `endings.${lang}.${name}`);
  };

  /** Register one word alternative ("^kosov{neut}", "pomog*", "=KiM") and return its id. */
  const addWord = (lang: TermLang, raw: string, where: string): number => {
    const tables = views[viewOf(lang)];
    const wp = wpCounter++;
    let s = raw;
    let caseMode: CaseMode = 0;
    if (s.startsWith("=")) {
      caseMode = 2;
      s = s.slice(1);
    } else if (s.startsWith("^")) {
      caseMode = 1;
      s = s.slice(1);
    }
    if (s.length === 0) throw new TaxonomyError(`${where}: empty word in "${raw}"`);
    if (s.endsWith("*")) {
      const prefix = fold(lang, s.slice(0, -1)).toLowerCase();
      if (prefix.length < 2) throw new TaxonomyError(`${where}: prefix too short in "${raw}"`);
      let node = tables.trie;
      for (const ch of prefix) {
        let nx = node.next.get(ch);
        if (nx === undefined) {
          nx = { next: new Map(), entries: [] };
          node.next.set(ch, nx);
        }
        node = nx;
      }
      node.entries.push({ wp, caseMode: caseMode === 2 ? 1 : caseMode });
      minLength.set(wp, prefix.length);
      return wp;
    }
    const m = /^([^{}]+)(?:\{([^{}]*)\})?$/.exec(s);
    if (m === null) throw new TaxonomyError(`${where}: cannot parse word "${raw}"`);
    const stem = m[1] ?? "";
    let ends = [""];
    if (m[2] !== undefined) {
      ends = [];
      for (const part of m[2].split(",")) {
        const cls = part === "" ? undefined : endingClass(lang, part.trim());
        if (cls !== undefined) ends.push(...cls);
        else ends.push(part.trim());
      }
    }
    minLength.set(wp, Math.min(...[...new Set(ends)].map((e) => fold(lang, stem + e).length)));
    for (const e of new Set(ends)) {
      const form = fold(lang, stem + e);
      const key = form.toLowerCase();
      const entry: WordEntry = { wp, caseMode };
      if (caseMode === 2) entry.exact = form;
      const list = tables.forms.get(key);
      if (list === undefined) tables.forms.set(key, [entry]);
      else list.push(entry);
    }
    return wp;
  };

  const addTerm = (group: number, lang: TermLang, raw: string, where: string) => {
    const tables = views[viewOf(lang)];
    const slots: Slot[] = raw
      .trim()
      .split(/\s+/)
      .map((w) => {
        const optional = w.endsWith("?") && w.length > 1;
        const body = optional ? w.slice(0, -1) : w;
        if (body === "~") return { alts: new Set<number>(), optional, any: true };
        return { alts: new Set(body.split("|").map((a) => addWord(lang, a, where))), optional, any: false };
      });
    if (slots.length === 0 || slots[0]?.optional || slots[0]?.any) {
      throw new TaxonomyError(`${where}: a term must start with a word ("${raw}")`);
    }
    // Index the term by the required slot whose shortest word is longest, so that a phrase such
    // as "u|ka|sa =EU" is looked at only where "EU" occurs, not at every "u" (first slot on ties).
    let anchor = 0;
    let best = -1;
    slots.forEach((slot, i) => {
      if (slot.optional || slot.any) return;
      const score = Math.min(...[...slot.alts].map((wp) => minLength.get(wp) ?? 0));
      if (score > best) {
        best = score;
        anchor = i;
      }
    });
    const id = tables.terms.length;
    tables.terms.push({ group, slots, anchor, source: raw });
    for (const wp of slots[anchor]?.alts ?? []) {
      const list = tables.byAnchor.get(wp);
      if (list === undefined) tables.byAnchor.set(wp, [id]);
      else list.push(id);
    }
  };

  const cancelsRaw = new Map<number, string[]>();
  const addGroup = (name: string, perLang: Record<string, unknown> | undefined) => {
    const id = groupNames.length;
    groupNames.push(name);
    groupIndex.set(name, id);
    const terms: Partial<Record<TermLang, string[]>> = {};
    groupTerms[name] = terms;
    for (const lang of LANGS) {
      const list = asStringList(perLang?.[lang], `groups.${name}.${lang}`);
      terms[lang] = list;
      for (const t of list) addTerm(id, lang, t, `groups.${name}.${lang}`);
    }
    for (const key of Object.keys(perLang ?? {})) {
      if (key === "cancels" && name !== "masks") {
        cancelsRaw.set(id, asStringList(perLang?.[key], `groups.${name}.cancels`));
      } else if (!(LANGS as readonly string[]).includes(key)) {
        throw new TaxonomyError(`groups.${name}: unknown key "${key}" (use sr, ru, en, cancels)`);
      }
    }
  };

  addGroup("masks", doc["masks"] as Record<string, unknown> | undefined);
  for (const [name, perLang] of Object.entries(groupsRaw)) addGroup(name, perLang);

  const gid = (name: unknown, where: string): number => {
    const id = typeof name === "string" ? groupIndex.get(name) : undefined;
    if (id === undefined) throw new TaxonomyError(`${where}: unknown group "${String(name)}"`);
    return id;
  };
  const cancels = new Map<number, number[]>();
  for (const [id, names] of cancelsRaw) {
    cancels.set(
      id,
      names.map((n) => gid(n, `groups.${groupNames[id]}.cancels`)),
    );
  }
  const clausesRaw = (doc["clauses"] ?? {}) as Record<string, unknown>;
  const clauseActs = new Set(
    asStringList(clausesRaw["acts"], "clauses.acts").map((n) => gid(n, "clauses.acts")),
  );

  const themes: CompiledTheme[] = [];
  for (const id of THEME_IDS) {
    const t = themesRaw[id];
    if (t === undefined) throw new TaxonomyError(`themes.${id}: missing`);
    const rulesRaw = t["rules"];
    if (!Array.isArray(rulesRaw) || rulesRaw.length === 0) throw new TaxonomyError(`themes.${id}: no rules`);
    const used = new Set<string>();
    const rules = (rulesRaw as RawRule[]).map((r, i): CompiledRule => {
      const where = `themes.${id}.rules[${i}]`;
      if (!Array.isArray(r.match)) throw new TaxonomyError(`${where}.match: expected a list of clauses`);
      const clauses = (r.match as unknown[]).map((clause) => {
        if (!Array.isArray(clause)) throw new TaxonomyError(`${where}.match: a clause is a list of groups`);
        return clause.map((slot) => {
          const names = Array.isArray(slot) ? slot : [slot];
          for (const n of names) used.add(String(n));
          return names.map((n) => gid(n, where));
        });
      });
      const window = (r.window ?? "item") as RuleWindow;
      if (!(WINDOWS as readonly string[]).includes(window))
        throw new TaxonomyError(`${where}.window: ${WINDOWS.join(" | ")}`);
      const list = (v: unknown, k: string) =>
        asStringList(v, `${where}.${k}`).map((n) => {
          used.add(n);
          return gid(n, `${where}.${k}`);
        });
      return {
        clauses,
        window,
        veto: list(r.veto, "veto"),
        vetoItem: list(r.veto_item, "veto_item"),
        require: list(r.require, "require"),
        implicit: asStringList(r.implicit, `${where}.implicit`),
        unless: list(r.unless, "unless"),
        context: list(r.context, "context"),
        subjectForm: list(r.subject_form, "subject_form"),
      };
    });
    themes.push({
      id,
      label: String(t["label"] ?? id),
      description: String(t["description"] ?? ""),
      rules,
      groups: [...used],
    });
  }
  for (const key of Object.keys(themesRaw)) {
    if (!(THEME_IDS as readonly string[]).includes(key))
      throw new TaxonomyError(`themes.${key}: unknown theme`);
  }

  return {
    version: versionOf(yamlText),
    source,
    themes,
    groupNames,
    groupTerms,
    maskGroup: 0,
    cancels,
    clauseActs,
    views,
  };
}

function emptyView(): ViewTables {
  return { forms: new Map(), trie: { next: new Map(), entries: [] }, byAnchor: new Map(), terms: [] };
}
