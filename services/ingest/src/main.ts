import { runService } from "@vesti/runtime";
import { reportPollCycles } from "./progress";
import { startIngestWorkers } from "./workers";

// services/ingest: the feed-fetch and retag workers of the distributed mode. Reads only environment
// variables (README table).
await runService("ingest", async (ctx) => {
  await startIngestWorkers(ctx);
  reportPollCycles(ctx);
  return undefined;
});
