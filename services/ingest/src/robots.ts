import type { Config } from "@vesti/config";
import { type Database, getRobots, type StoredRobots, saveRobots } from "@vesti/db";
import {
  evaluateRobots,
  fetchRobotsTxt,
  type RobotsOutcome,
  type RobotsPurpose,
  type RobotsVerdict,
  robotsOrigin,
  robotsRecordFromFetch,
} from "@vesti/feeds";
import type { Logger } from "@vesti/runtime";
import type { Kysely } from "kysely";
import { fetchOptions } from "./fetch-options";

export interface RobotsDeps {
  db: Kysely<Database>;
  config: Config;
  logger?: Logger;
  now?: () => Date;
}

export interface RobotsCheck extends RobotsVerdict {
  /**
   * True when this call requested /robots.txt from the host: a caller that keeps to per-host politeness
   * makes its own request to that host only after the host's spacing (the ingest worker delays the job).
   */
  fetched: boolean;
  /** What the cached answer was (unreachable: a 5xx or no answer, disallowing for now, not for good). */
  outcome: RobotsOutcome;
  /** When the cached answer is fetched again. */
  expiresAt: Date;
}

/**
 * May `url` be fetched? Reads robots.txt of the URL's origin from the Postgres cache, fetching and
 * caching it first when it is missing or expired (RFC 9309 semantics and cache lifetimes: ROBOTS_POLICY
 * in @vesti/feeds). `purpose` "page" (the full-text fetcher) and "sitemap" follow the RFC; "feed" refuses
 * only on an explicit Disallow. Never throws for the site's faults; database errors propagate.
 */
export async function checkRobots(
  deps: RobotsDeps,
  url: string,
  purpose: RobotsPurpose = "page",
): Promise<RobotsCheck> {
  const { now, origin, record: cached, fresh } = await readCache(deps, url);
  if (cached && fresh) return { ...verdict(deps, cached, url, purpose), fetched: false };
  const outcome = await fetchRobotsTxt(origin, fetchOptions(deps.config));
  // The expired record is passed on: an unreachable robots.txt may keep its last good rules a while.
  const record = robotsRecordFromFetch(origin, outcome, now, cached);
  await saveRobots(deps.db, record);
  deps.logger?.debug({ origin, outcome: record.outcome, status: record.status }, "robots.txt fetched");
  return { ...verdict(deps, record, url, purpose), fetched: true };
}

/**
 * The verdict of the cached robots.txt alone, or null when it is missing or expired (checkRobots would
 * request it): lets a caller that keeps to per-host politeness decide without taking the host's slot.
 */
export async function cachedRobots(
  deps: RobotsDeps,
  url: string,
  purpose: RobotsPurpose = "page",
): Promise<Omit<RobotsCheck, "fetched"> | null> {
  const { record, fresh } = await readCache(deps, url);
  return record && fresh ? verdict(deps, record, url, purpose) : null;
}

/** The origin's cached robots.txt record, and whether it is still fresh. */
async function readCache(deps: RobotsDeps, url: string) {
  const now = (deps.now ?? (() => new Date()))();
  const origin = robotsOrigin(url);
  const record = await getRobots(deps.db, origin);
  return { now, origin, record, fresh: record !== null && record.expiresAt > now };
}

function verdict(
  deps: RobotsDeps,
  record: StoredRobots,
  url: string,
  purpose: RobotsPurpose,
): Omit<RobotsCheck, "fetched"> {
  return {
    ...evaluateRobots(record, url, deps.config.FETCH_USER_AGENT, purpose),
    outcome: record.outcome,
    expiresAt: record.expiresAt,
  };
}
