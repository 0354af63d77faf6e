import {
  type Database,
  markRetagInterrupted,
  type RetagProgress,
  retagBatch,
  startRetagRun,
} from "@vesti/db";
import type { Payload, QueueName } from "@vesti/queue";
import { type Taxonomy, tagItem } from "@vesti/themes";
import type { Kysely } from "kysely";

export interface RetagDeps {
  db: Kysely<Database>;
  taxonomy: Taxonomy;
  /** Aborted on shutdown: the run stops after the batch in progress and is recorded as interrupted. */
  signal?: AbortSignal;
  onProgress?: (p: RetagProgress) => Promise<void> | void;
}

export type RetagResult = RetagProgress & { interrupted: boolean };

/**
 * Re-applies this process's taxonomy to every stored article with another version, batch by batch. The
 * run's position lives in Postgres (retag_runs), so a crash resumes where the last batch committed and a
 * shutdown stops at a batch boundary (`interrupted`); either way the next start carries on.
 */
export async function processRetag(
  deps: RetagDeps,
  payload: Payload<typeof QueueName.Retag>,
): Promise<RetagResult> {
  if (payload.toVersion !== deps.taxonomy.version)
    // Another deployment's taxonomy: only a worker that has it can apply it.
    throw new Error(
      `retag to ${payload.toVersion} requested, but this worker has taxonomy ${deps.taxonomy.version}`,
    );
  // The headline alone (body null) or the whole article, exactly as ingest and the page processor tag them.
  const tag = (a: { title: string; summary: string; lang: string; body: string | null }) =>
    tagItem(deps.taxonomy, { title: a.title, summary: a.summary, body: a.body, lang: a.lang });
  let progress = await startRetagRun(deps.db, payload.toVersion);
  while (!progress.done) {
    if (deps.signal?.aborted) {
      await markRetagInterrupted(deps.db, progress.runId);
      return { ...progress, interrupted: true };
    }
    progress = await retagBatch(deps.db, payload.toVersion, progress, tag, payload.batchSize ?? 2000);
    await deps.onProgress?.(progress);
    // let lock renewals and health checks run between batches
    await new Promise((r) => setImmediate(r));
  }
  return { ...progress, interrupted: false };
}
