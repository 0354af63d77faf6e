import { LANGS, type Taxonomy } from "./compile";
import type { ThemeTag } from "./match";

/** Human-readable listing of the taxonomy for `vesti themes list`. */
export function describeTaxonomy(tax: Taxonomy): string {
  const lines: string[] = [`Theme taxonomy ${tax.version} (${tax.source})`, ""];
  const groupsShown = new Set<string>();
  for (const t of tax.themes) {
    lines.push(`${t.id} — ${t.label}`);
    if (t.description) lines.push(`  ${t.description}`);
    t.rules.forEach((r, i) => {
      const clauses = r.clauses
        .map((c) => c.map((slot) => slot.map((g) => tax.groupNames[g]).join("|")).join(" + "))
        .join("  OR  ");
      const extra: string[] = [`window: ${r.window}`];
      const names = (ids: number[]) => ids.map((g) => tax.groupNames[g]).join(", ");
      if (r.require.length) extra.push(`recipient: ${names(r.require)}`);
      if (r.implicit.length) extra.push(`implicit in: ${r.implicit.join(", ")}`);
      if (r.unless.length) extra.push(`rival recipients: ${names(r.unless)}`);
      if (r.subjectForm.length) extra.push(`not a recipient beside a rival: ${names(r.subjectForm)}`);
      if (r.context.length) extra.push(`needs in window: ${names(r.context)}`);
      if (r.veto.length) extra.push(`vetoed in window by: ${names(r.veto)}`);
      if (r.vetoItem.length) extra.push(`vetoed in item by: ${names(r.vetoItem)}`);
      lines.push(`  rule ${i + 1}: ${clauses}`);
      lines.push(`          ${extra.join("; ")}`);
    });
    lines.push("");
  }
  lines.push("Term groups:");
  for (const name of ["masks", ...tax.groupNames.filter((n) => n !== "masks")]) {
    if (groupsShown.has(name)) continue;
    groupsShown.add(name);
    const cancels = tax.cancels.get(tax.groupNames.indexOf(name));
    lines.push(
      cancels ? `  ${name} (cancels ${cancels.map((g) => tax.groupNames[g]).join(", ")})` : `  ${name}`,
    );
    for (const lang of LANGS) {
      const terms = tax.groupTerms[name]?.[lang] ?? [];
      if (terms.length) lines.push(`    ${lang}: ${terms.join(", ")}`);
    }
  }
  return lines.join("\n");
}

/** One line per tag with its evidence, for `vesti themes test` / `vesti classify`. */
export function formatTagsForCli(tags: ThemeTag[]): string {
  if (tags.length === 0) return "(no themes)";
  return tags
    .map((t) => `${t.id}: ${t.evidence.map((e) => `${e.field}[${e.start}-${e.end}] "${e.text}"`).join(", ")}`)
    .join("\n");
}
