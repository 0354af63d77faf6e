import { type ConnectionOptions, DelayedError, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import { Redis } from "ioredis";
import {
  type JobEvents,
  type JobHandler,
  type JobInfo,
  type JobPlatform,
  type JobQueue,
  type Repeat,
  retryLaterMs,
  type WorkOptions,
} from "./platform";
import { jobOptionsFor, type Payload, type QueueName } from "./queues";

/** ioredis connection as BullMQ workers need it (blocking commands must not time out). */
export function createRedis(url: string, name = "vesti"): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, connectionName: name });
}

export interface QueueContext {
  connection: ConnectionOptions;
  prefix: string;
}

export function createQueue<Q extends QueueName>(name: Q, ctx: QueueContext): Queue<Payload<Q>> {
  return new Queue<Payload<Q>>(name, {
    connection: ctx.connection,
    prefix: ctx.prefix,
    defaultJobOptions: jobOptionsFor(name),
  });
}

/** True when a queue has nothing waiting, running or delayed. */
export async function isQueueIdle(queue: Queue): Promise<boolean> {
  const counts = await queue.getJobCounts("waiting", "active", "delayed", "prioritized", "waiting-children");
  return Object.values(counts).every((n) => n === 0);
}

/** The few logger methods the job platforms use (pino's). */
export interface PlatformLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * A repeating connection error is logged once, then once a minute with the number of repeats, and its end
 * once: a Redis outage must not become an endless stream of identical lines.
 */
export function connectionErrorLog(logger: PlatformLogger, what: string) {
  let since: number | undefined;
  let lastLogged = 0;
  let repeats = 0;
  return {
    error(err: Error) {
      const now = Date.now();
      if (since === undefined) {
        since = now;
        lastLogged = now;
        logger.warn({ err: err.message }, `${what}: connection lost; retrying`);
        return;
      }
      repeats++;
      if (now - lastLogged >= 60_000) {
        logger.warn({ err: err.message, repeats, sinceMs: now - since }, `${what}: still retrying`);
        lastLogged = now;
        repeats = 0;
      }
    },
    ok() {
      if (since === undefined) return;
      logger.info({ downMs: Date.now() - since }, `${what}: connection back`);
      since = undefined;
      repeats = 0;
    },
  };
}

/** The distributed platform: BullMQ queues, workers and job schedulers in Redis. */
export class BullmqPlatform implements JobPlatform {
  readonly kind = "bullmq" as const;
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];
  private readonly abort = new AbortController();
  private readonly listeners: { [E in keyof JobEvents]: JobEvents[E][] } = { completed: [], failed: [] };

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly logger: PlatformLogger,
  ) {}

  private bullQueue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = createQueue(name, { connection: this.redis, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  queue<Q extends QueueName>(name: Q): JobQueue<Q> {
    const q = this.bullQueue(name) as Queue<Payload<Q>>;
    return {
      name,
      add: async (jobName, data, opts) => {
        // biome-ignore lint/suspicious/noExplicitAny: BullMQ's generic name/data types do not narrow here
        await (q as any).add(jobName, data, opts);
      },
      addBulk: async (jobs) => {
        // biome-ignore lint/suspicious/noExplicitAny: as above
        await (q as any).addBulk(jobs);
      },
      counts: async () => {
        const c = await q.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized");
        return {
          waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
          active: c.active ?? 0,
          delayed: c.delayed ?? 0,
          completed: c.completed ?? 0,
          failed: c.failed ?? 0,
        };
      },
    };
  }

  work(queue: QueueName, handler: JobHandler, options: WorkOptions): void {
    const info = (job: Job): JobInfo => ({
      id: job.id ?? "",
      name: job.name,
      queue,
      data: job.data,
      attemptsMade: job.attemptsMade,
      updateProgress: (p) => job.updateProgress(p),
    });
    const worker = new Worker(
      queue,
      async (job, token) => {
        const result = await handler(info(job), this.abort.signal);
        const delayMs = retryLaterMs(result);
        if (delayMs === undefined) return result;
        await job.moveToDelayed(Date.now() + delayMs, token);
        throw new DelayedError();
      },
      {
        connection: this.redis,
        prefix: this.prefix,
        concurrency: options.concurrency,
        ...(options.lockMs ? { lockDuration: options.lockMs, stalledInterval: options.lockMs } : {}),
        ...(options.maxStalledCount ? { maxStalledCount: options.maxStalledCount } : {}),
      },
    );
    const connection = connectionErrorLog(this.logger, `${queue} worker`);
    worker.on("error", (err) => connection.error(err));
    worker.on("ready", () => connection.ok());
    worker.on("completed", (job, result) => {
      connection.ok();
      for (const l of this.listeners.completed) l(info(job), result);
    });
    worker.on("failed", (job, err) => {
      const final = err instanceof UnrecoverableError || !job || job.attemptsMade >= (job.opts.attempts ?? 1);
      for (const l of this.listeners.failed) l(job ? info(job) : undefined, err, final);
    });
    this.workers.push(worker);
  }

  async schedule<Q extends QueueName>(
    schedulerId: string,
    queue: Q,
    repeat: Repeat,
    job: { name: string; data: Payload<Q> },
  ): Promise<void> {
    await this.bullQueue(queue).upsertJobScheduler(schedulerId, repeat, {
      name: job.name,
      data: job.data,
      opts: { removeOnComplete: 100, removeOnFail: 100 },
    });
  }

  on<E extends keyof JobEvents>(event: E, listener: JobEvents[E]): void {
    this.listeners[event].push(listener);
  }

  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
