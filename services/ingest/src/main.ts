import { createServiceContext, startContextOpsServer } from "@vesti/runtime";
import { startIngestWorkers } from "./workers";

// services/ingest: the feed-fetch and retag workers. Reads only environment variables (README table).
const ctx = createServiceContext("ingest");
ctx.shutdown.listen();
try {
  await startIngestWorkers(ctx);
  await startContextOpsServer(ctx);
} catch (error) {
  ctx.logger.fatal({ err: error }, "ingest failed to start");
  await ctx.shutdown.shutdown("start-up failure", 1);
}
