import { formatShare } from "@vesti/charts";
import type { AidWeekRow, TieWeekRow } from "@vesti/db";

// One-sentence readings of a week, generated from the numbers (pure; the landing page shows them above
// the charts). They say what the numbers say, with the counts, and never more: no "surge" for three
// articles, no claim when a week has no articles.

const AID = [
  { key: "russian_aid", label: "Russian aid" },
  { key: "chinese_aid", label: "Chinese aid" },
  { key: "eu_aid", label: "EU aid" },
] as const;

const pts = (d: number) => `${d > 0 ? "+" : "−"}${Math.abs(100 * d).toFixed(1)} pts`;

/** The reading of the aid chart for the week `week` (a row of aid_attention_weekly) and the week before. */
export function readAidWeek(week: AidWeekRow | undefined, prev: AidWeekRow | undefined): string {
  if (!week || week.articles === 0)
    return "Serbian outlets published nothing that week: there is no reading.";
  const items = AID.map((a) => ({ ...a, n: week[a.key], share: week[a.key] / week.articles })).sort(
    (x, y) => y.n - x.n || x.label.localeCompare(y.label),
  );
  const [top, ...rest] = items;
  const all = `${week.articles.toLocaleString("en")} articles`;
  if (top!.n === 0)
    return `In ${week.iso_week} Serbian outlets published ${all} and none about Russian, Chinese or EU aid.`;
  const lead =
    rest.every((r) => r.n === top!.n) && rest.length > 0
      ? `Russian, Chinese and EU aid got equal attention`
      : `${top!.label} led`;
  const parts = items.map((i) => `${i.label.replace(" aid", "")} ${i.n} (${formatShare(i.share)})`);
  let text = `In ${week.iso_week} ${lead} in Serbian outlets: ${parts.join(", ")} of ${all}`;
  if (prev && prev.articles > 0) {
    const d = top!.share - prev[top!.key] / prev.articles;
    text +=
      Math.abs(d) < 0.0005
        ? `; ${top!.label} was level with the week before.`
        : `; ${top!.label} ${pts(d)} on the week before.`;
  } else text += ".";
  return text;
}

/** The reading of the Kosovo–Russia tie for one week (its rows of queryKosovoTie). */
export function readTieWeek(rows: readonly TieWeekRow[]): string {
  const first = rows[0];
  if (!first || first.total === 0) return "Serbian outlets published nothing that week: there is no reading.";
  if (first.kosovo === 0)
    return `In ${first.iso_week} Serbian outlets published ${first.total.toLocaleString("en")} articles and none about Kosovo.`;
  const putin = rows.find((r) => r.theme === "putin")?.articles ?? 0;
  const aid = rows.find((r) => r.theme === "russian_aid")?.articles ?? 0;
  const ofKosovo = (x: number) => formatShare(x / first.kosovo);
  return (
    `In ${first.iso_week} ${putin.toLocaleString("en")} of Serbian outlets' ${first.kosovo.toLocaleString("en")} Kosovo articles ` +
    `also mentioned Putin (${ofKosovo(putin)}) and ${aid.toLocaleString("en")} Russian aid (${ofKosovo(aid)}).`
  );
}
