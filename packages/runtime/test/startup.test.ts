import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logger";
import { isConnectionError, retryWhileUnreachable } from "../src/startup";

const logger = createLogger("test", "silent");
const refused = () =>
  Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" });

describe("retryWhileUnreachable", () => {
  it("waits out an unreachable database during start-up", async () => {
    let calls = 0;
    const result = await retryWhileUnreachable("step", 5, logger, async () => {
      calls++;
      if (calls < 3) throw refused();
      return "ok";
    });
    expect([result, calls]).toEqual(["ok", 3]);
  });
  it("throws any other error at once, and a connection error once the time is up", async () => {
    let calls = 0;
    const bad = Object.assign(new Error('relation "x" does not exist'), { code: "42P01" });
    await expect(
      retryWhileUnreachable("step", 5, logger, async () => {
        calls++;
        throw bad;
      }),
    ).rejects.toBe(bad);
    expect(calls).toBe(1);
    await expect(
      retryWhileUnreachable("step", 0, logger, async () => Promise.reject(refused())),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
  it("tells connection errors from query errors", () => {
    expect(isConnectionError(refused())).toBe(true);
    expect(isConnectionError(Object.assign(new Error("terminating connection"), { code: "57P01" }))).toBe(
      true,
    );
    expect(isConnectionError(new Error("Connection terminated unexpectedly"))).toBe(true);
    expect(isConnectionError(Object.assign(new Error("syntax error"), { code: "42601" }))).toBe(false);
  });
});
