// The matcher's rule semantics on small inline taxonomies: clause windows and gapping, role masks,
// recipients and rivals, corroborating context, and terms indexed by a slot other than the first.
import { describe, expect, it } from "vitest";
import { compileTaxonomy, TaxonomyError, THEME_IDS, tagItem } from "../src/index";

/** A taxonomy whose `eu_aid` theme has the given rule; the other themes match a word never used. */
function taxonomy(groups: string, rule: string, extra = ""): string {
  const others = THEME_IDS.filter((id) => id !== "eu_aid")
    .map((id) => `  ${id}:\n    rules:\n      - match: [[never]]`)
    .join("\n");
  return `${extra}
groups:
  never:
    en: ["zzzzzz"]
${groups}
themes:
  eu_aid:
    rules:
${rule}
${others}
`;
}

const GROUPS = `
  donor:
    sr: ["^kin{a,e,i,u,om}"]
    en: ["china"]
  act:
    sr: ["donira{la,o}", "posla{la,o}"]
    en: ["donated", "sent"]
  thing:
    sr: ["mask{e,i}", "lekar{e,i}"]
    en: ["masks", "doctors"]
  serbia:
    sr: ["^srbij{a,e,i,u}"]
    en: ["serbia"]
  rival:
    sr: ["^italij{a,e,i,u}"]
    en: ["italy"]
  veto:
    sr: ["kupi{la,o}"]
    en: ["bought"]
`;

const ids = (yaml: string, title: string, summary?: string) =>
  tagItem(compileTaxonomy(yaml), { title, summary, lang: null }).map((t) => t.id);

describe("clause windows", () => {
  const yaml = taxonomy(
    GROUPS,
    `      - match: [[donor, act, thing]]
        window: clause
        veto: [veto]`,
    "clauses:\n  acts: [act, veto]\n",
  );

  it("a full clause after dok / while is a window of its own", () => {
    expect(ids(yaml, "Kina je donirala maske, dok je Srbija kupila lekare")).toEqual(["eu_aid"]);
    expect(ids(yaml, "China donated masks, while Serbia bought doctors")).toEqual(["eu_aid"]);
    // without the joint the veto shares the window
    expect(ids(yaml, "Kina je donirala maske i Srbija je kupila lekare")).toEqual([]);
  });

  it("a gapped remnant after a coordinating joint is read with the clause before it", () => {
    // "a Srbiji maske" has no act of its own: the act "poslala" still applies to it
    expect(ids(yaml, "Kina je poslala lekare Italiji, a Srbiji maske")).toEqual(["eu_aid"]);
    expect(ids(yaml, "Kina je poslala Italiji, a Srbiji maske")).toEqual(["eu_aid"]);
    // with an act of its own it is a clause: the donor is left behind
    expect(ids(yaml, "Kina je poslala pozdrave, a Srbija je donirala maske")).toEqual([]);
  });

  it("does not cut at 'a ne' (a contrast inside one clause)", () => {
    expect(ids(yaml, "Maske je donirala Kina, a ne Italija")).toEqual(["eu_aid"]);
  });

  it("rejects an unknown window or clause act", () => {
    expect(() =>
      compileTaxonomy(taxonomy(GROUPS, "      - match: [[donor]]\n        window: paragraph")),
    ).toThrow(TaxonomyError);
    expect(() =>
      compileTaxonomy(taxonomy(GROUPS, "      - match: [[donor]]", "clauses:\n  acts: [nope]\n")),
    ).toThrow(TaxonomyError);
  });
});

describe("recipients and rivals", () => {
  const yaml = taxonomy(
    GROUPS,
    `      - match: [[donor, act, thing]]
        window: title+clause
        require: [serbia]
        implicit: [sr]
        unless: [rival]`,
    "clauses:\n  acts: [act, veto]\n",
  );

  it("counts a recipient in the clause of the donor and the act", () => {
    expect(ids(yaml, "China sent doctors to Serbia")).toEqual(["eu_aid"]);
    expect(ids(yaml, "China sent doctors to Italy and Serbia")).toEqual(["eu_aid"]);
  });

  it("takes a recipient named elsewhere in the item only while the act's clause names no rival", () => {
    expect(ids(yaml, "China sent doctors", "They work in Serbia now.")).toEqual(["eu_aid"]);
    expect(ids(yaml, "China sent doctors to Italy", "Serbia waits.")).toEqual([]);
  });

  it("leaves the recipient implicit only in the implicit languages and only without any rival", () => {
    expect(ids(yaml, "Kina je poslala lekare")).toEqual(["eu_aid"]);
    expect(ids(yaml, "China has sent the doctors")).toEqual([]); // English: the recipient must be named
    expect(ids(yaml, "Kina je poslala lekare", "Italija ih je dočekala.")).toEqual([]);
  });
});

describe("role masks, context and anchors", () => {
  it("a group with `cancels` removes only the named groups' overlapping matches", () => {
    const groups = `${GROUPS}
  not_donor:
    cancels: [donor]
    sr: ["u ^kin{u}"]
    en: ["to china"]`;
    const yaml = taxonomy(groups, "      - match: [[donor, act]]\n      - match: [[not_donor, thing]]");
    expect(ids(yaml, "Masks sent to China")).toEqual(["eu_aid"]); // via the second rule, not the donor
    expect(ids(yaml, "Sent to China")).toEqual([]);
    expect(ids(yaml, "China sent")).toEqual(["eu_aid"]);
    expect(() => compileTaxonomy(yaml.replace("cancels: [donor]", "cancels: [donorz]"))).toThrow(
      TaxonomyError,
    );
  });

  it("`context` must occur in the window and is not cited as evidence", () => {
    const yaml = taxonomy(
      GROUPS,
      "      - match: [[thing]]\n        window: sentence\n        context: [donor]",
    );
    const tax = compileTaxonomy(yaml);
    expect(tagItem(tax, { title: "Masks. China." })).toEqual([]);
    const tags = tagItem(tax, { title: "China: masks" });
    expect(tags.map((t) => t.id)).toEqual(["eu_aid"]);
    expect(tags[0]?.evidence.map((e) => e.text)).toEqual(["masks"]);
  });

  it("indexes a phrase by a later slot and still cites it from its first word", () => {
    const groups = `${GROUPS}
  phrase:
    en: ["to|for|with the? serbia"]`;
    const tax = compileTaxonomy(taxonomy(groups, "      - match: [[phrase]]"));
    const term = tax.views.latn.terms.find((t) => t.source.startsWith("to|for"));
    expect(term?.anchor).toBe(2);
    const title = "Masks went to the Serbia office";
    const tags = tagItem(tax, { title });
    expect(tags[0]?.evidence).toEqual([{ field: "title", start: 11, end: 24, text: "to the Serbia" }]);
    expect(tagItem(tax, { title: "Masks went to Serbia" })[0]?.evidence[0]?.text).toBe("to Serbia");
    expect(tagItem(tax, { title: "Masks went the Serbia way" })).toEqual([]);
  });
});
