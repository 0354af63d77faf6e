import { runService } from "@vesti/runtime";
import { startScheduler } from "./scheduler";

// services/scheduler: upserts the job schedulers and runs the due-feeds tick and the weekly digest in the
// distributed mode. Reads only environment variables.
await runService("scheduler", async (ctx) => {
  await startScheduler(ctx);
  return undefined;
});
