export { basicAuth } from "./basic-auth";
export {
  type ContextOptions,
  describeMode,
  openDatabaseUrl,
  openServiceContext,
  redact,
  type ServiceContext,
  startContextOpsServer,
  withDatabase,
} from "./context";
export { type HealthCheck, type OpsServer, startOpsServer } from "./http";
export { logJobFailures, timedHandler } from "./jobs";
export { createLogger, type Logger } from "./logger";
export { createMetrics, type Metrics } from "./metrics";
export { isUserFacing, runService } from "./service";
export { createShutdown, type Shutdown } from "./shutdown";
export {
  retryWhileUnreachable,
  StartupError,
  waitForPostgres,
  waitForRedis,
  where,
} from "./startup";
