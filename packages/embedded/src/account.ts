import { execFile } from "node:child_process";
import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { promisify } from "node:util";
import { EmbeddedPostgresError } from "./errors";

const run = promisify(execFile);

/** The unprivileged account the server runs as when Vesti runs as root (PostgreSQL refuses root). */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
  groups: number[];
}

export const SERVER_ACCOUNT = "postgres";

async function lookup(name: string): Promise<ServerAccount | undefined> {
  try {
    const [uid, gid, groups] = await Promise.all([
      run("id", ["-u", name]),
      run("id", ["-g", name]),
      run("id", ["-G", name]),
    ]);
    return {
      name,
      uid: Number(uid.stdout.trim()),
      gid: Number(gid.stdout.trim()),
      groups: groups.stdout.trim().split(/\s+/).map(Number),
    };
  } catch {
    return undefined;
  }
}

/**
 * Undefined when this process is not root (the server runs as the current user). As root: the `postgres`
 * account, created as a system account without a home or a login shell when it does not exist.
 */
export async function serverAccount(log: (message: string) => void): Promise<ServerAccount | undefined> {
  if (typeof process.getuid !== "function" || process.getuid() !== 0) return undefined;
  const existing = await lookup(SERVER_ACCOUNT);
  if (existing) return existing;
  try {
    await run("useradd", [
      "--system",
      "--user-group",
      "--no-create-home",
      "--shell",
      "/usr/sbin/nologin",
      SERVER_ACCOUNT,
    ]);
  } catch (error) {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL cannot run as root and there is no "${SERVER_ACCOUNT}" account to run it as; creating one failed ` +
        `(${error instanceof Error ? error.message.split("\n")[0] : String(error)}). Run Vesti as a normal user, or create the account: ` +
        `useradd --system --user-group ${SERVER_ACCOUNT}`,
    );
  }
  log(
    `created the system account "${SERVER_ACCOUNT}" to run embedded PostgreSQL (it refuses to run as root)`,
  );
  const created = await lookup(SERVER_ACCOUNT);
  if (!created)
    throw new EmbeddedPostgresError(`the account "${SERVER_ACCOUNT}" was created but cannot be looked up`);
  return created;
}

/**
 * The first folder on the way to `path` (the path included, when it exists) that `account` may not enter,
 * or undefined when it can reach it. A project under a home folder of mode 0700 is the usual culprit.
 */
export function unreachableFolder(path: string, account: ServerAccount): string | undefined {
  const chain: string[] = [];
  for (let p = resolve(path); ; p = dirname(p)) {
    chain.unshift(p);
    if (dirname(p) === p) break;
  }
  for (const dir of chain) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(dir);
    } catch {
      return undefined; // folders that do not exist yet are created by us, reachable once their parent is
    }
    if (!st.isDirectory()) continue;
    const bit =
      st.uid === account.uid
        ? 0o100
        : account.groups.includes(st.gid) || st.gid === account.gid
          ? 0o010
          : 0o001;
    if ((st.mode & bit) === 0) return dir;
  }
  return undefined;
}
