import { parseConfig } from "@vesti/config";
import {
  type OpsServer,
  openServiceContext,
  type ServiceContext,
  startContextOpsServer,
} from "@vesti/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../packages/db/test-support/test-database";
import { createBoardApp } from "../src/board";

let t: TestDatabase;
let ctx: ServiceContext;
let server: OpsServer;
let base: string;

/** A service context on the test database, with the ops server on a free loopback port. */
const opsContext = (name: string, env: Record<string, string> = {}) =>
  openServiceContext(name, {
    config: parseConfig({
      DATABASE_URL: t.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
      QUEUE_PREFIX: `vesti-ops-test-${process.pid}`,
      HTTP_PORT: "0",
      HTTP_HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      ...env,
    }),
  });

beforeAll(async () => {
  t = await createTestDatabase();
  ctx = await opsContext("ops-test");
  server = await startContextOpsServer(ctx, { fallback: createBoardApp(ctx) });
  base = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await ctx.shutdown.shutdown("test done");
  await t.destroy();
});

describe("the ops endpoints", () => {
  it("report health of Postgres and Redis", async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, failures: [] });
  });

  it("serve Prometheus metrics with queue depths", async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^# TYPE vesti_items_new_total counter$/m);
    expect(text).toMatch(/^vesti_queue_jobs\{queue="feed-fetch",state="waiting",service="ops-test"\} 0$/m);
  });

  it("serve the Bull Board dashboard", async () => {
    const res = await fetch(`${base}/queues`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/<html/i);
  });

  it("turn unhealthy when Postgres is unreachable", async () => {
    await ctx.db.destroy();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { failures: { check: string }[] };
    expect(body.failures.map((f) => f.check)).toEqual(["postgres"]);
  });
});

describe("the board's login", () => {
  let guarded: ServiceContext;
  let guardedServer: OpsServer;
  let url: string;
  beforeAll(async () => {
    guarded = await opsContext("ops-auth-test", { OPS_BOARD_AUTH: "admin:s3cret:with-colon" });
    guardedServer = await startContextOpsServer(guarded, { fallback: createBoardApp(guarded) });
    url = `http://127.0.0.1:${guardedServer.port}`;
  });
  afterAll(() => guarded.shutdown.shutdown("test done"));
  const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(s).toString("base64")}` });

  it("asks for the password when OPS_BOARD_AUTH is set", async () => {
    const res = await fetch(`${url}/queues`);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toMatch(/^Basic /);
    expect((await fetch(`${url}/queues`, { headers: basic("admin:wrong") })).status).toBe(401);
    const ok = await fetch(`${url}/queues`, { headers: basic("admin:s3cret:with-colon") });
    expect(ok.status).toBe(200);
  });

  it("keeps /healthz and /metrics open for probes and Prometheus", async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });
});
