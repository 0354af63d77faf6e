import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/**
 * HTTP basic auth for "user:password", as a connect-style handler (express takes it as middleware, a plain
 * node:http server calls it with its own `next`). Compares digests, so the time taken says nothing about
 * the credentials. Used by the ops board (OPS_BOARD_AUTH) and the trends page (WEB_AUTH).
 */
export function basicAuth(credentials: string, realm = "Vesti ops") {
  const want = createHash("sha256").update(credentials).digest();
  return (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    const header = req.headers.authorization ?? "";
    const given = header.startsWith("Basic ") ? Buffer.from(header.slice(6), "base64").toString("utf8") : "";
    if (timingSafeEqual(createHash("sha256").update(given).digest(), want)) {
      next();
      return;
    }
    res.writeHead(401, {
      "www-authenticate": `Basic realm="${realm.replace(/["\\]/g, "")}", charset="UTF-8"`,
      "content-type": "text/plain; charset=utf-8",
    });
    res.end("login required\n");
  };
}
