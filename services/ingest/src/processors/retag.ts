import {
  type Database,
  markRetagInterrupted,
  peekRetagBatch,
  type RetagArticle,
  type RetagProgress,
  retagBatch,
  startRetagRun,
  type Tagger,
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
 * Articles per batch (one transaction) unless the job says otherwise. Larger batches spread each
 * statement's fixed cost over more rows; a batch holds its articles' row locks (a body stored for one of
 * them meanwhile waits) and is what a shutdown waits for: about half a second at this size.
 */
export const RETAG_BATCH_SIZE = 5000;

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
  const tag: Tagger = (a) =>
    tagItem(deps.taxonomy, { title: a.title, summary: a.summary, body: a.body, lang: a.lang });
  const batchSize = payload.batchSize ?? RETAG_BATCH_SIZE;
  let progress = await startRetagRun(deps.db, payload.toVersion);
  // Pipelined: while Postgres writes one batch, this process tags the next one (read ahead, unlocked), so
  // the tagging (CPU here) and the writes (CPU in Postgres) overlap instead of taking turns.
  const ahead = (afterId: number) => {
    const p = tagAhead(deps.db, payload.toVersion, afterId, batchSize, tag);
    p.catch(() => {}); // a failure surfaces where it is awaited, or not at all if the run ends first
    return p;
  };
  let next: Promise<TagsAhead> | null = ahead(progress.lastArticleId);
  try {
    while (!progress.done) {
      if (deps.signal?.aborted) {
        await markRetagInterrupted(deps.db, progress.runId);
        return { ...progress, interrupted: true };
      }
      const current: TagsAhead | null = next ? await next : null;
      next = current?.lastId != null ? ahead(current.lastId) : null;
      progress = await retagBatch(
        deps.db,
        payload.toVersion,
        progress,
        current ? withTagsAhead(current, tag) : tag,
        batchSize,
      );
      await deps.onProgress?.(progress);
      // let lock renewals and health checks run between batches
      await new Promise((r) => setImmediate(r));
    }
    return { ...progress, interrupted: false };
  } finally {
    // Never leave a read in flight on a pool the caller may be about to close.
    await next?.catch(() => {});
  }
}

interface TagsAhead {
  /** The last article read ahead: where the batch after it starts. */
  lastId: number | null;
  /** Tags by article id and whether the body was read with the headline. */
  tags: Map<string, { input: RetagArticle; tags: ReturnType<Tagger> }>;
}

const aheadKey = (id: number, withBody: boolean) => `${id}:${withBody ? "b" : "h"}`;

async function tagAhead(
  db: Kysely<Database>,
  version: string,
  afterId: number,
  batchSize: number,
  tag: Tagger,
): Promise<TagsAhead> {
  const { articles, bodies } = await peekRetagBatch(db, version, afterId, batchSize);
  const tags: TagsAhead["tags"] = new Map();
  for (let i = 0; i < articles.length; i++) {
    const a = articles[i]!;
    tags.set(aheadKey(a.id, false), { input: a, tags: tag(a) });
    const body = bodies.get(a.id);
    if (body !== undefined) {
      const whole = { ...a, body };
      tags.set(aheadKey(a.id, true), { input: whole, tags: tag(whole) });
    }
    // Yield now and then: the batch being written needs this thread to send its next statement.
    if (i % 100 === 99) await new Promise((r) => setImmediate(r));
  }
  return { lastId: articles.at(-1)?.id ?? null, tags };
}

/** The tagger, answering from the tags computed ahead when the batch reads exactly the same input. */
function withTagsAhead(ahead: TagsAhead, tag: Tagger): Tagger {
  return (a) => {
    const hit = ahead.tags.get(aheadKey(a.id, a.body !== null));
    const same =
      hit !== undefined &&
      hit.input.title === a.title &&
      hit.input.summary === a.summary &&
      hit.input.lang === a.lang &&
      hit.input.body === a.body;
    return same ? hit.tags : tag(a);
  };
}
