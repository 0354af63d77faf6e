// @vesti/themes: the theme taxonomy (taxonomy/themes.yaml) and the matcher that applies it.

import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileTaxonomy, type Taxonomy } from "./compile";

export type { CompiledRule, CompiledTheme, Taxonomy, TermLang, ThemeId } from "./compile";
export { compileTaxonomy, MATCHER_REVISION, TaxonomyError, THEME_IDS, versionOf } from "./compile";
export { describeTaxonomy, formatTagsForCli } from "./describe";
export type { Evidence, Field, GroupMatch, ItemAnalysis, TagInput, ThemeTag } from "./match";
export { analyzeItem, tagItem } from "./match";

/** Path of the taxonomy shipped with the package. */
export const DEFAULT_TAXONOMY_PATH = fileURLToPath(new URL("../taxonomy/themes.yaml", import.meta.url));

let cached: Taxonomy | undefined;

/**
 * Compile a taxonomy file. Without a path: the package's YAML, compiled once and cached.
 * With a path the file is read and compiled on every call (e.g. to pick up an analyst's edit);
 * keep the result and reuse it for tagging.
 */
export function loadTaxonomy(path?: string): Taxonomy {
  if (path === undefined) return defaultTaxonomy();
  return compileTaxonomy(readFileSync(path, "utf8"), path);
}

/** The package taxonomy, compiled on first use. */
export function defaultTaxonomy(): Taxonomy {
  cached ??= compileTaxonomy(readFileSync(DEFAULT_TAXONOMY_PATH, "utf8"), DEFAULT_TAXONOMY_PATH);
  return cached;
}
