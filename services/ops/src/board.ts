import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { createQueue, QueueName } from "@vesti/queue";
import { basicAuth, type ServiceContext } from "@vesti/runtime";
import express from "express";

/** The Bull Board dashboard over every Vesti queue, as an express app mounted at `basePath`. */
export function createBoardApp(ctx: ServiceContext, basePath = "/queues") {
  const redis = ctx.redis;
  if (!redis) throw new Error("Bull Board shows BullMQ queues in Redis: the distributed mode only");
  const queues = Object.values(QueueName).map((name) =>
    createQueue(name, { connection: redis, prefix: ctx.config.QUEUE_PREFIX }),
  );
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter });
  const app = express();
  const auth = ctx.config.OPS_BOARD_AUTH as string | undefined;
  if (auth) app.use(basePath, basicAuth(auth, "Vesti ops"));
  app.use(basePath, serverAdapter.getRouter());
  app.get("/", (_req, res) => res.redirect(basePath));
  ctx.shutdown.add("board queues", () => Promise.all(queues.map((q) => q.close())));
  return app;
}
