import { describe, expect, it } from "vitest";
import { type DirectionScore, scoreSeries } from "../eval/score";
import { generateDaily, generateScenario, SCENARIOS } from "../eval/synthetic";
import { DEFAULT_PARAMS } from "../src/detect";

// The default detector on the evaluation's synthetic scenarios (a part of each, to stay quick): what it
// finds and what it must leave alone. `pnpm eval:alerts --check` holds the full scenarios to their goals.

function run(name: string, count: number) {
  const scenario = SCENARIOS.find((s) => s.name === name)!;
  const total = { up: zero(), down: zero(), tested: 0, delays: [] as number[] };
  for (const g of generateScenario({ ...scenario, count }, 1)) {
    const s = scoreSeries(g, scenario.granularity, DEFAULT_PARAMS[scenario.granularity]);
    for (const dir of ["up", "down"] as const)
      for (const k of ["events", "detected", "alerts", "falseAlerts"] as const) total[dir][k] += s[dir][k];
    total.tested += s.tested;
    total.delays.push(...s.delays);
  }
  return total;
}
const zero = (): DirectionScore => ({ events: 0, detected: 0, alerts: 0, falseAlerts: 0 });

describe("the default detector on synthetic scenarios", () => {
  it("finds clear daily spikes on the day they start", () => {
    const r = run("spike", 40);
    expect(r.up.events).toBeGreaterThan(40);
    expect(r.up.detected / r.up.events).toBeGreaterThan(0.8);
    expect(r.up.falseAlerts / r.up.alerts).toBeLessThan(0.2);
    expect(r.delays.filter((d) => d === 0).length / r.delays.length).toBeGreaterThan(0.8);
  });

  it("finds weekly spikes", () => {
    const r = run("weekly-spike", 30);
    expect(r.up.detected / r.up.events).toBeGreaterThan(0.8);
  });

  it("stays quiet on quiet series, outages and weekday cycles", () => {
    for (const name of ["quiet", "quiet-seasonal", "outage", "weekly-outage"]) {
      const r = run(name, 30);
      const perYear = (r.up.falseAlerts / r.tested) * (name.startsWith("weekly") ? 52 : 365);
      expect(perYear, name).toBeLessThan(1);
      expect(r.down.alerts, `${name}: drops are off by default`).toBe(0);
    }
  });

  it("alerts a level shift once, not once per day of the new level", () => {
    const r = run("level-shift", 30);
    expect(r.up.detected / r.up.events).toBeGreaterThan(0.6);
    expect(r.up.alerts).toBeLessThan(1.5 * r.up.events);
  });

  it("generates the same series from the same seed, and another from another", () => {
    const scenario = SCENARIOS.find((s) => s.name === "spike")!;
    const a = generateScenario({ ...scenario, count: 3 }, 1);
    expect(generateScenario({ ...scenario, count: 3 }, 1)).toEqual(a);
    expect(generateScenario({ ...scenario, count: 3 }, 2)).not.toEqual(a);
    // an outage takes articles away, not the share: the share's expectation is what it was
    const spec = { ...a[0]!.spec, outages: [{ start: 50, days: 5, volume: 0 }] };
    const days = generateDaily(spec, () => 0.5);
    expect(days.slice(50, 55).every((d) => d.strata.every((s) => s.articles === 0 && s.mentions === 0))).toBe(
      true,
    );
  });
});
