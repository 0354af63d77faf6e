export { basicAuth } from "./basic-auth";
export { createServiceContext, type ServiceContext, startContextOpsServer } from "./context";
export { type HealthCheck, type OpsServer, startOpsServer } from "./http";
export { createLogger, type Logger } from "./logger";
export { createMetrics, type Metrics } from "./metrics";
export { createShutdown, type Shutdown } from "./shutdown";
