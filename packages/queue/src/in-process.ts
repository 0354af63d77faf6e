import cronParser from "cron-parser";
import type { PlatformLogger } from "./bullmq";
import type {
  EnqueueOptions,
  JobEvents,
  JobHandler,
  JobInfo,
  JobPlatform,
  JobQueue,
  JobState,
  Repeat,
  WorkOptions,
} from "./platform";
import { retryLaterMs } from "./platform";
import { jobOptionsFor, type Payload, type QueueName } from "./queues";

// The job platform of one process (the embedded mode): the same handlers as the BullMQ workers, with the
// same job-id deduplication, retries with exponential backoff, UnrecoverableError, politeness delays that
// are not attempts, per-queue concurrency, retention of finished jobs and repeating schedules. Jobs live
// in memory: everything a job must not lose is in Postgres (a feed stays due until it is fetched, a retag
// resumes from retag_runs, a digest is sent once per subscriber and week), so after a crash the next
// start's tick and retag check recreate what was pending.

interface MemoryJob {
  id: string;
  name: string;
  queue: QueueName;
  data: unknown;
  attemptsMade: number;
  state: JobState;
  runAt: number;
  finishedAt: number;
  seq: number;
}

interface QueueState {
  jobs: Map<string, MemoryJob>;
  worker?: { handler: JobHandler; concurrency: number; active: number };
  timer?: NodeJS.Timeout;
  timerAt?: number;
}

export class InProcessPlatform implements JobPlatform {
  readonly kind = "in-process" as const;
  private readonly queues = new Map<QueueName, QueueState>();
  private readonly schedulers = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly listeners: { [E in keyof JobEvents]: JobEvents[E][] } = { completed: [], failed: [] };
  private readonly pruneTimer: NodeJS.Timeout;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly logger: PlatformLogger,
    private readonly now: () => number = Date.now,
  ) {
    this.pruneTimer = setInterval(() => {
      for (const [name, q] of this.queues) this.prune(name, q);
    }, 60_000);
    this.pruneTimer.unref();
  }

  private state(name: QueueName): QueueState {
    let q = this.queues.get(name);
    if (!q) {
      q = { jobs: new Map() };
      this.queues.set(name, q);
    }
    return q;
  }

  queue<Q extends QueueName>(name: Q): JobQueue<Q> {
    return {
      name,
      add: async (jobName: string, data: Payload<Q>, opts?: EnqueueOptions) =>
        this.add(name, jobName, data, opts),
      addBulk: async (jobs) => {
        // Retention and dispatch once per batch, not per job: a tick's catch-up adds thousands of jobs
        // (most of them already queued), and each pass looks at every job of the queue.
        if (this.closed) return;
        this.prune(name, this.state(name));
        let added = false;
        for (const j of jobs) added = this.insert(name, j.name, j.data, j.opts) || added;
        if (added) this.dispatch(name);
      },
      counts: async () => {
        const c: Record<JobState, number> = { waiting: 0, active: 0, delayed: 0, completed: 0, failed: 0 };
        for (const j of this.state(name).jobs.values()) c[j.state]++;
        return c;
      },
    };
  }

  private add(queue: QueueName, name: string, data: unknown, opts: EnqueueOptions = {}): void {
    if (this.closed) return;
    this.prune(queue, this.state(queue));
    if (this.insert(queue, name, data, opts)) this.dispatch(queue);
  }

  /** Stores a new job; false when its id exists (BullMQ's rule: an id not yet removed makes the add a no-op). */
  private insert(queue: QueueName, name: string, data: unknown, opts: EnqueueOptions = {}): boolean {
    const q = this.state(queue);
    const id = opts.jobId ?? `${++this.seq}`;
    if (q.jobs.has(id)) return false;
    const delay = Math.max(0, opts.delay ?? 0);
    q.jobs.set(id, {
      id,
      name,
      queue,
      data,
      attemptsMade: 0,
      state: delay > 0 ? "delayed" : "waiting",
      runAt: this.now() + delay,
      finishedAt: 0,
      seq: ++this.seq,
    });
    return true;
  }

  work(queue: QueueName, handler: JobHandler, options: WorkOptions): void {
    const q = this.state(queue);
    if (q.worker) throw new Error(`queue ${queue} already has a worker in this process`);
    q.worker = { handler, concurrency: Math.max(1, options.concurrency), active: 0 };
    this.dispatch(queue);
  }

  /** Starts every job that is due, up to the queue's concurrency, and arms a timer for the next delayed one. */
  private dispatch(queue: QueueName): void {
    const q = this.state(queue);
    const worker = q.worker;
    if (!worker || this.closed) return;
    const now = this.now();
    let nextAt = Number.POSITIVE_INFINITY;
    const ready: MemoryJob[] = [];
    for (const j of q.jobs.values()) {
      if (j.state === "delayed") {
        if (j.runAt <= now) j.state = "waiting";
        else nextAt = Math.min(nextAt, j.runAt);
      }
      if (j.state === "waiting") ready.push(j);
    }
    ready.sort((a, b) => a.runAt - b.runAt || a.seq - b.seq);
    for (const job of ready) {
      if (worker.active >= worker.concurrency) break;
      this.start(queue, q, job);
    }
    if (nextAt !== Number.POSITIVE_INFINITY && (q.timerAt === undefined || nextAt < q.timerAt)) {
      if (q.timer) clearTimeout(q.timer);
      q.timerAt = nextAt;
      q.timer = setTimeout(
        () => {
          q.timer = undefined;
          q.timerAt = undefined;
          this.dispatch(queue);
        },
        Math.max(0, nextAt - now),
      );
    }
  }

  private start(queue: QueueName, q: QueueState, job: MemoryJob): void {
    const worker = q.worker!;
    job.state = "active";
    worker.active++;
    const info: JobInfo = {
      id: job.id,
      name: job.name,
      queue,
      data: job.data,
      attemptsMade: job.attemptsMade,
      updateProgress: async () => {},
    };
    const options = jobOptionsFor(queue);
    const run = (async () => {
      await Promise.resolve(); // the job starts on the next microtask, after dispatch has returned
      try {
        const result = await worker.handler(info, this.abort.signal);
        const delayMs = retryLaterMs(result);
        if (delayMs !== undefined) {
          job.state = "delayed";
          job.runAt = this.now() + delayMs;
          return;
        }
        job.state = "completed";
        job.finishedAt = this.now();
        for (const l of this.listeners.completed) l(info, result);
      } catch (caught) {
        const error = caught instanceof Error ? caught : new Error(String(caught));
        job.attemptsMade++;
        const attempts = options.attempts ?? 1;
        const final = error.name === "UnrecoverableError" || job.attemptsMade >= attempts || this.closed;
        if (final) {
          job.state = "failed";
          job.finishedAt = this.now();
        } else {
          job.state = "delayed";
          job.runAt = this.now() + backoffMs(options.backoff, job.attemptsMade);
        }
        for (const l of this.listeners.failed) l({ ...info, attemptsMade: job.attemptsMade }, error, final);
      } finally {
        worker.active--;
        this.dispatch(queue);
      }
    })();
    this.running.add(run);
    void run.finally(() => this.running.delete(run));
  }

  /** Drops finished jobs past their queue's retention (the same age and count limits as in Redis). */
  private prune(queue: QueueName, q: QueueState): void {
    const options = jobOptionsFor(queue);
    const now = this.now();
    for (const [state, keep] of [
      ["completed", options.removeOnComplete],
      ["failed", options.removeOnFail],
    ] as const) {
      const { age, count } = retention(keep);
      const finished = [...q.jobs.values()].filter((j) => j.state === state);
      finished.sort((a, b) => b.finishedAt - a.finishedAt);
      finished.forEach((j, i) => {
        if (i >= count || (age !== undefined && now - j.finishedAt > age * 1000)) q.jobs.delete(j.id);
      });
    }
  }

  async schedule<Q extends QueueName>(
    schedulerId: string,
    queue: Q,
    repeat: Repeat,
    job: { name: string; data: Payload<Q> },
  ): Promise<void> {
    const existing = this.schedulers.get(schedulerId);
    if (existing) clearTimeout(existing);
    const fire = (at: number) =>
      this.add(queue, job.name, job.data, { jobId: `repeat:${schedulerId}:${at}` });
    const arm = (at: number, next: (at: number) => number) => {
      // setTimeout takes at most 2^31-1 ms; a later occurrence is reached in steps.
      const wait = Math.min(Math.max(0, at - this.now()), 2 ** 31 - 1);
      this.schedulers.set(
        schedulerId,
        setTimeout(() => {
          if (this.now() < at) return arm(at, next);
          fire(at);
          arm(next(at), next);
        }, wait),
      );
    };
    if ("every" in repeat) {
      // As BullMQ does: the first job at once, then on every multiple of the interval.
      const now = this.now();
      fire(now);
      arm(Math.floor(now / repeat.every) * repeat.every + repeat.every, (at) => at + repeat.every);
    } else {
      const next = (after: number) =>
        cronParser
          .parseExpression(repeat.pattern, {
            currentDate: new Date(after),
            ...(repeat.tz ? { tz: repeat.tz } : {}),
          })
          .next()
          .getTime();
      arm(next(this.now()), next);
    }
  }

  on<E extends keyof JobEvents>(event: E, listener: JobEvents[E]): void {
    this.listeners[event].push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    for (const t of this.schedulers.values()) clearTimeout(t);
    for (const q of this.queues.values()) if (q.timer) clearTimeout(q.timer);
    clearInterval(this.pruneTimer);
    const left = [...this.queues.values()].reduce(
      (n, q) => n + [...q.jobs.values()].filter((j) => j.state === "waiting" || j.state === "delayed").length,
      0,
    );
    await Promise.all([...this.running]);
    if (left > 0) this.logger.info({ jobs: left }, "in-process jobs left for the next start");
  }
}

function backoffMs(backoff: unknown, attemptsMade: number): number {
  if (typeof backoff === "number") return backoff;
  if (backoff && typeof backoff === "object") {
    const { type, delay = 0 } = backoff as { type?: string; delay?: number };
    return type === "exponential" ? Math.round(2 ** (attemptsMade - 1) * delay) : delay;
  }
  return 0;
}

function retention(keep: unknown): { age?: number; count: number } {
  if (keep === true) return { count: 0 };
  if (keep === false || keep === undefined) return { count: Number.POSITIVE_INFINITY };
  if (typeof keep === "number") return { count: keep };
  const { age, count } = keep as { age?: number; count?: number };
  return { ...(age !== undefined ? { age } : {}), count: count ?? Number.POSITIVE_INFINITY };
}
