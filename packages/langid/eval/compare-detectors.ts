// Compare detectLanguage with off-the-shelf detectors on the labelled TSV files, scored as eval-langid
// scores (groups, the items with at least MIN_LETTERS letters). The other detectors are not dependencies
// of this project: install them in a scratch folder and point --modules at its node_modules.
//   mkdir /tmp/cmp && cd /tmp/cmp && npm init -y && npm install franc eld cld3-asm cld
//   (cd node_modules/cld && npx node-gyp rebuild)      # CLD2 is a native addon
//   pnpm --filter @vesti/langid exec tsx eval/compare-detectors.ts --data ../../../shared/data/langid \
//     --modules /tmp/cmp/node_modules
// A detector that does not load is skipped with a message. Lingua is not here: its npm package
// downloads a prebuilt binary from GitHub at install time.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { detectLanguage, languageLetters, MIN_LETTERS, preloadLexicons } from "../src/index";

type Detect = (text: string) => string | Promise<string>;

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

const ISO3: Record<string, string> = {
  srp: "sr",
  hrv: "sr",
  bos: "sr",
  rus: "ru",
  ukr: "uk",
  bel: "be",
  bul: "bg",
  mkd: "mk",
  eng: "en",
};
const group = (l: string): string => (l === "hr" || l === "bs" || l === "sh" ? "sr" : l);

async function loadDetectors(modules: string): Promise<Record<string, Detect>> {
  const out: Record<string, Detect> = { vesti: (t) => detectLanguage({ title: t }).lang };
  const req = createRequire(join(modules, "noop.js"));
  const esm = (spec: string) => import(pathToFileURL(req.resolve(spec)).href);
  const tryLoad = async (name: string, load: () => Promise<Record<string, Detect>>) => {
    try {
      Object.assign(out, await load());
    } catch (error) {
      console.log(`${name}: skipped (${(error as Error).message.split("\n")[0]})`);
    }
  };
  await tryLoad("franc", async () => {
    const { franc } = await esm("franc");
    const only = Object.keys(ISO3);
    return {
      franc: (t) => ISO3[franc(t, { minLength: 1 })] ?? "other",
      "franc (only our languages)": (t) => ISO3[franc(t, { minLength: 1, only })] ?? "other",
    };
  });
  await tryLoad("eld", async () => {
    const { eld } = await import(pathToFileURL(join(modules, "eld/src/entries/static.large.js")).href);
    return { "eld (large)": (t) => eld.detect(t).language || "und" };
  });
  await tryLoad("cld3", async () => {
    const factory = await req("cld3-asm").loadModule();
    const id = factory.create(0, 1000);
    return { cld3: (t) => id.findLanguage(t).language };
  });
  await tryLoad("cld2", async () => {
    const cld = req("cld");
    await cld.detect("This is an English sentence, long enough for CLD2 to be sure of it.");
    return {
      cld2: async (t) => {
        try {
          return (await cld.detect(t)).languages[0]?.code ?? "und";
        } catch {
          return "und"; // CLD2 refuses text it cannot identify reliably
        }
      },
    };
  });
  return out;
}

const GOAL: Record<string, "accuracy" | "not sr/ru"> = {
  sr: "accuracy",
  hr: "accuracy",
  ru: "accuracy",
  en: "accuracy",
  uk: "not sr/ru",
  be: "not sr/ru",
  bg: "not sr/ru",
  mk: "not sr/ru",
};

async function main(): Promise<void> {
  const dir = resolve(arg("--data", "../shared/data/langid"));
  if (!existsSync(dir)) {
    console.log(`skipped: ${dir} not found`);
    return;
  }
  const detectors = await loadDetectors(resolve(arg("--modules", "/tmp/cmp/node_modules")));
  preloadLexicons();
  const names = Object.keys(detectors);
  console.log(`| file | measure | ${names.join(" | ")} |`);
  console.log(`|---|---|${names.map(() => "---").join("|")}|`);
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith(".tsv"))
    .sort()) {
    const items = readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((l) => l.includes("\t"))
      .map((l) => ({ text: l.slice(0, l.lastIndexOf("\t")), gold: l.slice(l.lastIndexOf("\t") + 1).trim() }))
      .filter((it) => languageLetters({ title: it.text }) >= MIN_LETTERS);
    const measure = GOAL[items[0]?.gold ?? ""];
    if (!measure) continue;
    const cells: string[] = [];
    for (const name of names) {
      let ok = 0;
      for (const it of items) {
        const p = group(await detectors[name]!(it.text));
        if (measure === "accuracy" ? p === group(it.gold) : p !== "sr" && p !== "ru") ok++;
      }
      cells.push(`${((ok / items.length) * 100).toFixed(2)}%`);
    }
    console.log(`| ${file.replace(/\.tsv$/, "")} | ${measure} | ${cells.join(" | ")} |`);
  }
}

await main();
