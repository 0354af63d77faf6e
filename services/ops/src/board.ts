import { createHash, timingSafeEqual } from "node:crypto";
import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { createQueue, QueueName } from "@vesti/queue";
import type { ServiceContext } from "@vesti/runtime";
import express, { type RequestHandler } from "express";

/** HTTP basic auth for "user:password"; compares digests so the time taken says nothing about them. */
export function basicAuth(credentials: string): RequestHandler {
  const want = createHash("sha256").update(credentials).digest();
  return (req, res, next) => {
    const header = req.headers.authorization ?? "";
    const given = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : "";
    if (timingSafeEqual(createHash("sha256").update(given).digest(), want)) return next();
    res
      .set("WWW-Authenticate", 'Basic realm="Vesti ops", charset="UTF-8"')
      .status(401)
      .send("login required\n");
  };
}

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
  if (auth) app.use(basePath, basicAuth(auth));
  app.use(basePath, serverAdapter.getRouter());
  app.get("/", (_req, res) => res.redirect(basePath));
  ctx.shutdown.add("board queues", () => Promise.all(queues.map((q) => q.close())));
  return app;
}
