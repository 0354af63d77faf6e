import eldSmall from "eld/small";

// Our own ELD instance, so its language subset does not leak into other users of the module.
const cyr = eldSmall.newInstance();
cyr.setLanguageSubset(["ru", "uk", "be", "bg", "sr"]);

/** ELD's scores over the Cyrillic languages it knows (no Macedonian). */
export function eldCyrillic(text: string): Record<string, number> {
  return cyr.detect(text).getScores();
}
