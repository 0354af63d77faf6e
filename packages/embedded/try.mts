import pg from "pg";
import { openEmbeddedPostgres } from "./src/index.ts";

const t0 = performance.now();
const s = await openEmbeddedPostgres({
  home: "/tmp/vesti-emb-try",
  port: 54398,
  log: (m) => console.log("LOG", m),
});
console.log("open", s.how, s.pid, s.port, (performance.now() - t0).toFixed(0), "ms");
const c = new pg.Client(s.url("postgres"));
await c.connect();
console.log((await c.query("select version()")).rows[0]);
await c.end();
if (process.argv[2] === "kill") process.kill(process.pid, "SIGKILL");
await s.release();
console.log("released", (performance.now() - t0).toFixed(0), "ms");
