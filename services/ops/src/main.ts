import { createServiceContext, startContextOpsServer } from "@vesti/runtime";
import { createBoardApp } from "./board";

// services/ops: Bull Board for operators at /queues, plus /healthz and /metrics, on HTTP_PORT.
const ctx = createServiceContext("ops");
ctx.shutdown.listen();
try {
  const app = createBoardApp(ctx);
  await startContextOpsServer(ctx, { fallback: app });
} catch (error) {
  ctx.logger.fatal({ err: error }, "ops failed to start");
  await ctx.shutdown.shutdown("start-up failure", 1);
}
