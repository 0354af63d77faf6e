// Queue names and payload schemas in one place (langfuse's layout), and the two job platforms that run
// them: BullMQ over Redis (distributed mode) and the in-process runner (embedded mode), with their
// per-host politeness gates.
export {
  BullmqPlatform,
  connectionErrorLog,
  createQueue,
  createRedis,
  isQueueIdle,
  type PlatformLogger,
  type QueueContext,
} from "./bullmq";
export {
  type GateRelease,
  type GateResult,
  type HostGate,
  type HostGateOptions,
  MemoryHostGate,
  RedisHostGate,
} from "./host-gate";
export { InProcessPlatform } from "./in-process";
export {
  type EnqueueOptions,
  isIdle,
  type JobEvents,
  type JobHandler,
  type JobInfo,
  type JobPlatform,
  type JobQueue,
  type JobState,
  type Repeat,
  type RetryLater,
  retryLater,
  retryLaterMs,
  type WorkOptions,
} from "./platform";
export {
  ALERTS_SCHEDULER_ID,
  articleFetchJobId,
  articleFetchJobs,
  DIGEST_SCHEDULER_ID,
  defaultJobOptions,
  FEED_TICK_SCHEDULER_ID,
  feedFetchJobId,
  jobOptionsFor,
  type Payload,
  parsePayload,
  payloadSchemas,
  QueueName,
  RETAG_JOB_ID,
} from "./queues";
