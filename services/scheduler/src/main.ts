import { createServiceContext, startContextOpsServer } from "@vesti/runtime";
import { startScheduler } from "./scheduler";

// services/scheduler: upserts the job schedulers and runs the due-feeds tick. Reads only env variables.
const ctx = createServiceContext("scheduler");
ctx.shutdown.listen();
try {
  await startScheduler(ctx);
  await startContextOpsServer(ctx);
} catch (error) {
  ctx.logger.fatal({ err: error }, "scheduler failed to start");
  await ctx.shutdown.shutdown("start-up failure", 1);
}
