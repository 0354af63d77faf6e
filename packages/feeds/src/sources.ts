import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { isValidTimeZone } from "./dates";
import { FETCHER_HEADERS } from "./fetch";

const httpUrl = z
  .string()
  .refine((s) => /^https?:\/\/[^\s/]+/i.test(s) && URL.canParse(s), { message: "must be an http(s) URL" });

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, { message: "must be an HTTP header name" })
  .refine((n) => !FETCHER_HEADERS.has(n.toLowerCase()), { message: "is set by the fetcher itself" });
const headerValue = z
  .string()
  .min(1)
  .max(4096)
  .refine((v) => !/[\r\n\0]/.test(v), { message: "must be one line" });

/** A permission note: who allowed it, how and when (e.g. "e-mail from the editor, 2026-03-02"). */
const permission = z.string().min(8, { message: "must say who gave the permission, how and when" });

export const FEED_KINDS = ["feed", "sitemap"] as const;

export const FeedSourceSchema = z.strictObject({
  url: httpUrl,
  /** feed: RSS/Atom; sitemap: a news sitemap or sitemap index (docs/sources.md). Content decides the parser. */
  kind: z.enum(FEED_KINDS).default("feed"),
  language: z.string().min(2).max(10).optional(),
  note: z.string().optional(),
  verified: z.boolean().default(false),
  /** Extra request headers, only with the site's permission (the default User-Agent stays honest). */
  headers: z.record(headerName, headerValue).optional(),
  /** Permission to fetch this feed although robots.txt disallows it. */
  robotsPermission: permission.optional(),
});

// Outlet metadata vocabularies, documented with the evidence behind each label in docs/sources.md.
// "unknown" is the honest default: a label is given only with evidence, never guessed.
export const OWNERSHIP = [
  "state-ru",
  "state-cn",
  "state-rs",
  "public-service",
  "private",
  "foreign-public",
  "unknown",
] as const;
export const ALIGNMENT = ["pro-government", "independent", "state-media", "unknown"] as const;
const slug = z.string().regex(/^[a-z][a-z0-9-]*$/, { message: "must be a lower-case slug" });

const selectorList = z.array(z.string().trim().min(1).max(500)).max(20);

/**
 * Full text for an outlet: `fulltext: true`, or an object with the outlet's extraction options (an
 * object alone turns it on unless it says `enabled: false`). Absent: headlines only.
 */
export const FulltextSchema = z
  .union([
    z.boolean(),
    z.strictObject({
      enabled: z.boolean().default(true),
      /** CSS selectors of the article body, tried before readability. */
      selectors: selectorList.optional(),
      /** CSS selectors of elements dropped before extraction (a related-articles box...). */
      exclude: selectorList.optional(),
      /** Shortest body accepted, in characters; shorter falls back to the feed summary. */
      minLength: z.number().int().min(1).max(100_000).optional(),
    }),
  ])
  .transform((v) => (typeof v === "boolean" ? { enabled: v } : v));

export const OutletSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { message: "must be a lower-case slug" }),
  name: z.string().min(1),
  country: z.string().regex(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code" }),
  language: z.string().min(2).max(10),
  script: z.enum(["cyrillic", "latin", "mixed"]),
  timeZone: z.string().refine(isValidTimeZone, { message: "must be an IANA time zone" }),
  homeUrl: httpUrl,
  note: z.string().optional(),
  ownership: z.enum(OWNERSHIP).default("unknown"),
  alignment: z.enum(ALIGNMENT).default("unknown"),
  /** Citation for the alignment label; required unless the alignment is unknown (checked in parseSources). */
  alignmentSource: z.string().min(3).optional(),
  collections: z.array(slug).default([]),
  /** Permission to fetch this outlet's feeds although robots.txt disallows them (a feed's own wins). */
  robotsPermission: permission.optional(),
  /** Full text: off by default (see FulltextSchema). */
  fulltext: FulltextSchema.optional(),
  /** May be empty for an outlet whose feed is not known yet (`sources sync` lists such outlets). */
  feeds: z.array(FeedSourceSchema).default([]),
});

export const SourcesFileSchema = z.strictObject({
  version: z.literal(1),
  outlets: z.array(OutletSchema),
});

export type FeedSource = z.infer<typeof FeedSourceSchema>;
export type Outlet = z.infer<typeof OutletSchema>;
export type OutletFulltext = z.infer<typeof FulltextSchema>;
export type SourcesFile = z.infer<typeof SourcesFileSchema>;

export class SourcesError extends Error {
  override readonly name = "SourcesError";
}

/** Parses and validates sources YAML; errors name the offending outlet (by id when it has one). */
export function parseSources(yamlText: string): Outlet[] {
  let doc: unknown;
  try {
    doc = parseYaml(yamlText);
  } catch (e) {
    throw new SourcesError(`sources: invalid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  const result = SourcesFileSchema.safeParse(doc);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const path = issue.path;
    let where = path.join(".");
    if (path[0] === "outlets" && typeof path[1] === "number") {
      const outlets = (doc as { outlets?: { id?: unknown }[] }).outlets;
      const id = outlets?.[path[1]]?.id;
      where = `outlets[${path[1]}]${typeof id === "string" ? ` (${id})` : ""}${path.length > 2 ? `.${path.slice(2).join(".")}` : ""}`;
    }
    throw new SourcesError(`sources: ${where || "(root)"}: ${issue.message}`);
  }
  const outlets = result.data.outlets;
  const ids = new Set<string>();
  const urls = new Map<string, string>();
  for (const o of outlets) {
    if (ids.has(o.id)) throw new SourcesError(`sources: duplicate outlet id "${o.id}"`);
    if (o.alignment !== "unknown" && !o.alignmentSource)
      throw new SourcesError(
        `sources: outlet "${o.id}": alignment "${o.alignment}" needs an alignmentSource (a citation)`,
      );
    ids.add(o.id);
    if (new Set(o.collections).size !== o.collections.length)
      throw new SourcesError(`sources: outlet "${o.id}": a collection is listed twice`);
    for (const f of o.feeds) {
      const names = Object.keys(f.headers ?? {}).map((n) => n.toLowerCase());
      if (new Set(names).size !== names.length)
        throw new SourcesError(`sources: feed ${f.url}: a header is set twice (names are case-insensitive)`);
      const other = urls.get(f.url);
      if (other) throw new SourcesError(`sources: feed ${f.url} listed by both "${other}" and "${o.id}"`);
      urls.set(f.url, o.id);
    }
  }
  return outlets;
}

export async function loadSources(path: string): Promise<Outlet[]> {
  return parseSources(await readFile(path, "utf8"));
}
