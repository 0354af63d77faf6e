import { chmodSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type ServerAccount, unreachableFolder } from "../src/account";

// As root the embedded server runs as an unprivileged account; a folder on the way to its data that the
// account may not enter must be named before the server fails with a bare EACCES.
const root = mkdtempSync(join(tmpdir(), "vesti-account-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const nobody: ServerAccount = { name: "nobody-test", uid: 65_534, gid: 65_534, groups: [65_534] };

describe("unreachableFolder", () => {
  it("names the first folder without search permission for the account", () => {
    const locked = join(root, "home");
    mkdirSync(join(locked, "project", ".vesti"), { recursive: true, mode: 0o755 });
    chmodSync(root, 0o755);
    chmodSync(locked, 0o700);
    expect(unreachableFolder(join(locked, "project", ".vesti"), nobody)).toBe(locked);
    chmodSync(locked, 0o711); // search without listing is enough
    expect(unreachableFolder(join(locked, "project", ".vesti"), nobody)).toBeUndefined();
  });

  it("uses the owner's and the group's bits for the account's own folders", () => {
    const own = join(root, "own");
    mkdirSync(own, { mode: 0o700 });
    const me: ServerAccount = { name: "me", uid: process.getuid?.() ?? 0, gid: 0, groups: [] };
    expect(unreachableFolder(own, me)).toBeUndefined();
  });

  it("treats folders that do not exist yet as reachable (they are created for the account)", () => {
    expect(unreachableFolder(join(root, "not", "yet"), nobody)).toBeUndefined();
  });
});
