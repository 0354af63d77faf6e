import { runService } from "@vesti/runtime";
import { createBoardApp } from "./board";

// services/ops: Bull Board for operators at /queues, plus /healthz and /metrics, on HTTP_PORT.
await runService("ops", async (ctx) => ({ fallback: createBoardApp(ctx) }));
