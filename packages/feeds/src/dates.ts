// Feed date parsing: RFC 822, ISO 8601 and the forms Serbian and Russian outlets emit.
// Zone-less times are interpreted in the outlet's IANA zone (via Intl), never the machine's.

const MONTHS: Record<string, number> = {};
function addMonths(names: string[][]): void {
  names.forEach((forms, i) => {
    for (const f of forms) MONTHS[f] = i + 1;
  });
}
addMonths([
  ["jan", "january", "januar", "januara", "јануар", "јануара", "янв", "январь", "января"],
  ["feb", "february", "februar", "februara", "фебруар", "фебруара", "фев", "февраль", "февраля"],
  ["mar", "march", "mart", "marta", "март", "марта", "мар"],
  ["apr", "april", "aprila", "април", "априла", "апр", "апрель", "апреля"],
  ["may", "maj", "maja", "мај", "маја", "май", "мая"],
  ["jun", "june", "juna", "јун", "јуна", "июн", "июнь", "июня"],
  ["jul", "july", "jula", "јул", "јула", "июл", "июль", "июля"],
  ["aug", "august", "avg", "avgust", "avgusta", "август", "августа", "авг"],
  [
    "sep",
    "sept",
    "september",
    "septembar",
    "septembra",
    "септембар",
    "септембра",
    "сен",
    "сент",
    "сентябрь",
    "сентября",
  ],
  ["oct", "october", "okt", "oktobar", "oktobra", "октобар", "октобра", "окт", "октябрь", "октября"],
  ["nov", "november", "novembar", "novembra", "новембар", "новембра", "ноя", "ноябрь", "ноября"],
  ["dec", "december", "dec", "decembar", "decembra", "децембар", "децембра", "дек", "декабрь", "декабря"],
]);

/** Offsets in minutes for the zone abbreviations feeds actually use. */
const ZONES: Record<string, number> = {
  z: 0,
  gmt: 0,
  ut: 0,
  utc: 0,
  msk: 180,
  msd: 240,
  cet: 60,
  cest: 120,
  eet: 120,
  eest: 180,
  bst: 60,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
};

const dtfCache = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = dtfCache.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    dtfCache.set(timeZone, f);
  }
  return f;
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds. */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const parts = formatter(timeZone).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** Wall-clock time in `timeZone` → instant. Two passes handle DST transitions. */
export function zonedTimeToUtc(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  timeZone: string,
): number {
  const naive = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  let t = naive - zoneOffsetMs(naive, timeZone);
  const off2 = zoneOffsetMs(t, timeZone);
  t = naive - off2;
  return t;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

function parseZone(z: string | undefined): number | null | undefined {
  // undefined: no zone given; null: unrecognised zone.
  if (z === undefined) return undefined;
  const t = z.trim().toLowerCase();
  if (!t) return undefined;
  if (t in ZONES) return ZONES[t]!;
  const m = /^(?:gmt|utc)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(t);
  if (m) {
    const sign = m[1] === "-" ? -1 : 1;
    return sign * (Number(m[2]) * 60 + Number(m[3] ?? 0));
  }
  return null;
}

function build(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
  zone: number | null | undefined,
  timeZone: string,
): Date | null {
  if (y < 100) y += y < 70 ? 2000 : 1900;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || s > 60) return null;
  // Reject calendar overflow (31 June) instead of letting Date roll it over.
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCMonth() !== mo - 1 || probe.getUTCDate() !== d) return null;
  if (zone === null) return null;
  const t =
    zone === undefined
      ? zonedTimeToUtc(y, mo, d, h, mi, Math.min(s, 59), ms, timeZone)
      : Date.UTC(y, mo - 1, d, h, mi, Math.min(s, 59), ms) - zone * 60_000;
  return Number.isFinite(t) ? new Date(t) : null;
}

const ISO =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(z|[+-]\d{2}(?::?\d{2})?|[a-z]{2,5})?$/i;
// [weekday,] D Mon YYYY [г.|godine] [,] [в|u] HH:MM[:SS] [zone]
const DMY_NAMED =
  /^(?:[\p{L}]+\.?,?\s+)?(\d{1,2})\.?\s+([\p{L}]+)\.?,?\s+(\d{2,4})\.?(?:\s*(?:г\.?|года|godine|године)\.?)?(?:,?\s*(?:в|u|у|at)?\s*(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?)?\s*(.*)$/iu;
// Mon D, YYYY HH:MM:SS zone (US style)
const MDY_NAMED =
  /^(?:[\p{L}]+\.?,?\s+)?([\p{L}]+)\.?\s+(\d{1,2}),?\s+(\d{4})(?:,?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$/iu;
// DD.MM.YYYY[.] [HH:MM[:SS]] (Serbian and Russian numeric)
const DMY_NUM = /^(\d{1,2})[./](\d{1,2})[./](\d{4})\.?(?:,?\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(.*)$/;

/** build() for a match of one of the patterns above: groups 4, 5 and 6 are the (optional) time of day. */
function buildFromMatch(
  y: number,
  mo: number,
  d: number,
  m: RegExpExecArray,
  ms: number,
  zone: string | undefined,
  timeZone: string,
): Date | null {
  return build(y, mo, d, +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0), ms, parseZone(zone), timeZone);
}

/**
 * Parses a feed date. Returns null when the string is not a date we can trust.
 * `timeZone` (IANA) is used only when the string carries no zone.
 */
export function parseFeedDate(raw: string | null | undefined, timeZone: string): Date | null {
  if (!raw) return null;
  const s = raw.replace(/[\s\u00a0]+/g, " ").trim();
  if (!s) return null;

  let m = ISO.exec(s);
  if (m) {
    const frac = m[7] ? Number(`0.${m[7]}`) * 1000 : 0;
    return buildFromMatch(+m[1]!, +m[2]!, +m[3]!, m, Math.floor(frac), m[8], timeZone);
  }
  m = DMY_NAMED.exec(s);
  if (m) {
    const mo = MONTHS[m[2]!.toLowerCase()];
    if (mo) return buildFromMatch(+m[3]!, mo, +m[1]!, m, 0, m[7], timeZone);
  }
  m = MDY_NAMED.exec(s);
  if (m) {
    const mo = MONTHS[m[1]!.toLowerCase()];
    if (mo) return buildFromMatch(+m[3]!, mo, +m[2]!, m, 0, m[7], timeZone);
  }
  m = DMY_NUM.exec(s);
  if (m) return buildFromMatch(+m[3]!, +m[2]!, +m[1]!, m, 0, m[7], timeZone);
  if (/^\d{9,13}$/.test(s)) {
    // Unix timestamps (seconds or milliseconds) appear in a few CMS feeds.
    const n = Number(s);
    return new Date(s.length <= 10 ? n * 1000 : n);
  }
  return null;
}

export interface ResolvedDate {
  publishedAt: Date;
  publishedEstimated: boolean;
  warning?: string;
}

/** Picks the item date: parsed and clamped to fetch time, or fetch time flagged as estimated. */
export function resolveItemDate(
  candidates: (string | null | undefined)[],
  timeZone: string,
  fetchedAt: Date,
): ResolvedDate {
  const present = candidates.filter((c): c is string => typeof c === "string" && c.trim() !== "");
  for (const c of present) {
    const d = parseFeedDate(c, timeZone);
    if (!d) continue;
    if (d.getTime() < Date.UTC(1990, 0, 1)) {
      return {
        publishedAt: fetchedAt,
        publishedEstimated: true,
        warning: `implausible date "${c.trim()}" replaced by fetch time`,
      };
    }
    // A few minutes of clock skew is normal; more than that is a wrong zone or a scheduled post.
    if (d.getTime() > fetchedAt.getTime()) {
      return {
        publishedAt: fetchedAt,
        publishedEstimated: false,
        ...(d.getTime() - fetchedAt.getTime() > 5 * 60_000
          ? { warning: `future date "${c.trim()}" clamped to fetch time` }
          : {}),
      };
    }
    return { publishedAt: d, publishedEstimated: false };
  }
  if (present.length > 0) {
    return {
      publishedAt: fetchedAt,
      publishedEstimated: true,
      warning: `unparseable date "${present[0]!.trim().slice(0, 60)}"; using fetch time`,
    };
  }
  return { publishedAt: fetchedAt, publishedEstimated: true };
}
