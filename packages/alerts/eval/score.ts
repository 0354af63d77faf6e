import { type DetectorParams, type Direction, detect, type Episode } from "../src/detect";
import { addDays, type Granularity, periodOf } from "../src/period";
import { type GeneratedSeries, generateScenario, type Scenario, type TrueEvent } from "./synthetic";

// Scores the detector on a scenario: each true event is detected when an episode of its direction starts
// while it lasts (a level shift: within a week, or two weeks by week); every other episode is a false
// alert (a second alert for one event included).

export interface DirectionScore {
  events: number;
  detected: number;
  alerts: number;
  falseAlerts: number;
}

export interface ScenarioScore {
  scenario: string;
  granularity: Granularity;
  series: number;
  /** Periods the detector tested (had data and a baseline). */
  tested: number;
  up: DirectionScore;
  down: DirectionScore;
  /** Periods from each detected event's start to its alert. */
  delays: number[];
}

const directionOf = (e: TrueEvent): Direction => (e.kind === "drop" ? "down" : "up");

/** The events to detect: a ramp's steps are one event, from its first step to the end of its climb. */
function truth(events: readonly TrueEvent[]): TrueEvent[] {
  const ramp = events.filter((e) => e.kind === "ramp");
  if (ramp.length === 0) return [...events];
  const climb = ramp.slice(0, -1);
  const first = climb[0]!;
  return [
    ...events.filter((e) => e.kind !== "ramp"),
    { kind: "ramp", start: first.start, days: climb.length, factor: ramp.at(-1)!.factor },
  ];
}

/** The periods (inclusive) in which an alert counts as detecting the event. */
function eventWindow(e: TrueEvent, startDay: string, g: Granularity): [string, string] {
  const first = periodOf(addDays(startDay, e.start), g);
  const lastDay = e.kind === "shift" ? e.start + (g === "day" ? 6 : 13) : e.start + e.days - 1;
  return [first, periodOf(addDays(startDay, lastDay), g)];
}

export function scoreSeries(
  generated: GeneratedSeries,
  g: Granularity,
  params: DetectorParams,
): { up: DirectionScore; down: DirectionScore; delays: number[]; tested: number; episodes: Episode[] } {
  const result = detect(generated.series, g, params);
  const score = {
    up: { events: 0, detected: 0, alerts: 0, falseAlerts: 0 },
    down: { events: 0, detected: 0, alerts: 0, falseAlerts: 0 },
  };
  const delays: number[] = [];
  const used = new Set<Episode>();
  for (const e of truth(generated.spec.events)) {
    const dir = directionOf(e);
    score[dir].events++;
    const [from, to] = eventWindow(e, generated.spec.startDay, g);
    const hit = result.episodes.find(
      (ep) => ep.direction === dir && !used.has(ep) && ep.start >= from && ep.start <= to,
    );
    if (!hit) continue;
    used.add(hit);
    score[dir].detected++;
    delays.push(Math.round((Date.parse(hit.start) - Date.parse(from)) / 86_400_000 / (g === "day" ? 1 : 7)));
  }
  for (const ep of result.episodes) {
    score[ep.direction].alerts++;
    if (!used.has(ep)) score[ep.direction].falseAlerts++;
  }
  const tested = result.periods.filter((p) => p.status === "tested").length;
  return { ...score, delays, tested, episodes: result.episodes };
}

export function scoreScenario(scenario: Scenario, params: DetectorParams, seed = 1): ScenarioScore {
  const total: ScenarioScore = {
    scenario: scenario.name,
    granularity: scenario.granularity,
    series: scenario.count,
    tested: 0,
    up: { events: 0, detected: 0, alerts: 0, falseAlerts: 0 },
    down: { events: 0, detected: 0, alerts: 0, falseAlerts: 0 },
    delays: [],
  };
  for (const generated of generateScenario(scenario, seed)) {
    const s = scoreSeries(generated, scenario.granularity, params);
    total.tested += s.tested;
    for (const dir of ["up", "down"] as const)
      for (const k of ["events", "detected", "alerts", "falseAlerts"] as const) total[dir][k] += s[dir][k];
    total.delays.push(...s.delays);
  }
  return total;
}

/** Recall, precision and false alerts per series-year of one direction (null where undefined). */
export function rates(score: ScenarioScore, dir: Direction) {
  const d = score[dir];
  const perYear = score.granularity === "day" ? 365 : 52;
  return {
    recall: d.events > 0 ? d.detected / d.events : null,
    precision: d.alerts > 0 ? (d.alerts - d.falseAlerts) / d.alerts : null,
    falsePerYear: score.tested > 0 ? (d.falseAlerts / score.tested) * perYear : 0,
  };
}
