// Child process for a clean peak-RSS figure: builds a ~15 MB feed, runs readFeed once, reports maxRSS.
import { readFeed } from "../src/index";
import { makeBigFeed } from "./corpus";

const target = Number(process.argv[2] ?? 15 * 1024 * 1024);
const baselineKb = process.resourceUsage().maxRSS;
const bytes = makeBigFeed(target);
const afterBuildKb = process.resourceUsage().maxRSS;
const t0 = performance.now();
const r = await readFeed(bytes, {
  feedUrl: "https://bench.example.rs/feed",
  timeZone: "Europe/Belgrade",
  fetchedAt: new Date("2027-01-01T00:00:00Z"),
});
const ms = performance.now() - t0;
process.stdout.write(
  `${JSON.stringify({ bytes: bytes.length, items: r.items.length, ms, baselineKb, afterBuildKb, peakKb: process.resourceUsage().maxRSS })}\n`,
);
