import { THEME_IDS, type ThemeId } from "@vesti/themes";
import { z } from "zod";

// The query parameters of trend series, as zod schemas shared by every front end: `vesti trends` parses its
// flags with them, the web page its URL. A value that is not valid here never reaches SQL (and SQL gets
// it as a bound parameter anyway); the messages name the parameter and what it accepts.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export const dayParam = z
  .string()
  .trim()
  // Round trip, because Date.parse takes 2020-02-30 for 1 March.
  .refine(
    (v) =>
      DAY.test(v) &&
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) &&
      new Date(`${v}T00:00:00Z`).toISOString().slice(0, 10) === v,
    {
      message: "must be a date as YYYY-MM-DD",
    },
  );

export const themeParam = z
  .string()
  .refine((v): v is ThemeId => (THEME_IDS as readonly string[]).includes(v), {
    error: (issue) => `unknown theme "${String(issue.input)}"; use one of: ${THEME_IDS.join(", ")}`,
  }) as unknown as z.ZodType<ThemeId, string>;

export const langParam = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^([a-z]{2,3}|und)$/, "a language code such as sr, ru, en");
// Script names people type, to the ISO 15924 codes articles.script holds (the sources file says
// "cyrillic" / "latin" for an outlet's script).
const SCRIPT_ALIASES: Record<string, string> = { cyrillic: "Cyrl", latin: "Latn", mixed: "mixed" };
/** An article's script: Cyrl or Latn (ISO 15924, any case; also "cyrillic", "latin"), or mixed. */
export const scriptParam = z
  .string()
  .trim()
  .transform((v) => {
    const lower = v.toLowerCase();
    return SCRIPT_ALIASES[lower] ?? (/^[a-z]{4}$/.test(lower) ? lower[0]!.toUpperCase() + lower.slice(1) : v);
  })
  .pipe(z.string().regex(/^([A-Z][a-z]{3}|mixed)$/, "a script: Cyrl (Cyrillic), Latn (Latin) or mixed"));
export const countryParam = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{2}$/, "a two-letter country code such as RS, RU");
export const outletParam = z
  .string()
  .trim()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "an outlet id (a lower-case slug)");
export const collectionParam = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,63}$/, "a collection name (a lower-case slug)");

export const periodParam = z.enum(["day", "week", "month"]);
export const measureParam = z.enum(["share", "count"]);
export const smoothParam = z.coerce.number().int().min(0).max(30);

/**
 * The dimensions a series can be filtered or split on. Each is one entry: its parameter schema and how
 * the explore repository reads it (a column of the trend views, or the outlets' collections). The script
 * is the article's (a key of the count tables since migration 0009_script_counts).
 */
export const DIMENSIONS = {
  lang: { label: "language", param: langParam, column: "lang" },
  script: { label: "script", param: scriptParam, column: "script" },
  country: { label: "country", param: countryParam, column: "country" },
  outlet: { label: "outlet", param: outletParam, column: "outlet" },
  collection: { label: "collection", param: collectionParam, column: null },
} as const;

export type Dimension = keyof typeof DIMENSIONS;
export const DIMENSION_NAMES = Object.keys(DIMENSIONS) as Dimension[];
export const dimensionParam = z.enum(DIMENSION_NAMES as [Dimension, ...Dimension[]]);

/** Values of each dimension a series is restricted to (any of them); absent: no restriction. */
export type SeriesFilters = Partial<Record<Dimension, string[]>>;

const listOf = (item: z.ZodType<string, string>) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter((s) => s !== ""))
    .pipe(z.array(item).max(50));

export const seriesFiltersSchema = z.object(
  Object.fromEntries(DIMENSION_NAMES.map((d) => [d, listOf(DIMENSIONS[d].param).optional()])) as {
    [K in Dimension]: z.ZodOptional<ReturnType<typeof listOf>>;
  },
);

/** One series: a theme and its filters. */
export const seriesQuerySchema = z.object({ theme: themeParam }).extend(seriesFiltersSchema.shape);
export type SeriesQuery = { theme: ThemeId } & SeriesFilters;

/** `vesti trends`: one theme, one value per filter, by day or week (the CLI's flags). */
export const trendQuerySchema = z
  .object({
    theme: themeParam,
    by: z.enum(["day", "week"]).default("week"),
    since: dayParam.optional(),
    until: dayParam.optional(),
    lang: langParam.optional(),
    script: scriptParam.optional(),
    country: countryParam.optional(),
    outlet: outletParam.optional(),
    collection: collectionParam.optional(),
    share: z.boolean().optional(),
  })
  .refine((q) => !q.since || !q.until || q.since <= q.until, { message: "since is after until" })
  .refine((q) => !(q.outlet && q.collection), { message: "outlet and collection cannot be combined" });

/** Turns a zod error into one line naming the parameters, for a CLI message or a 400 page. */
export function describeParamError(error: z.ZodError): string {
  return error.issues
    .map((i) => (i.path.length > 0 ? `${i.path.join(".")}: ${i.message}` : i.message))
    .join("; ");
}
