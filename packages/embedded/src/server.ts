import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, cpSync, existsSync, openSync, readFileSync, readSync, statSync } from "node:fs";
import { chmod, chown, mkdir, open, readdir, readFile, rm, unlink, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import pg from "pg";
import { type ServerAccount, serverAccount, unreachableFolder } from "./account";
import { findPostgresBinaries, type PostgresBinaries } from "./binaries";
import { EmbeddedPostgresError } from "./errors";

// One PostgreSQL server per VESTI_HOME, shared by every Vesti process on that folder (`vesti run` in one
// terminal, `vesti sql` in another). Each process holds a lease (a file named by its pid); the last one
// to leave stops the server. The server is a detached process writing to postgres.log, so Ctrl-C in the
// terminal reaches Vesti (which shuts down in order) and not the server directly, and a Vesti process
// killed with SIGKILL leaves a server that the next start finds through postmaster.pid and joins.

export interface EmbeddedPostgresOptions {
  /** VESTI_HOME: the folder holding the data, the password, the log and the leases. */
  home: string;
  /** The fixed loopback port the server listens on. */
  port: number;
  /** One-line messages for the user (server started, joined, recovered, stopped). */
  log?: (message: string) => void;
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  home: string;
  dataDir: string;
  logFile: string;
  port: number;
  /** PostgreSQL's version, as the binaries' package names it (e.g. 17.10.0-beta.17 for PostgreSQL 17.10). */
  version: string;
  /** The server's process id. */
  pid: number;
  /** How this process came to use the server. */
  how: "started" | "joined" | "recovered";
  /** The connection string for a database on the server (as the superuser `postgres`). */
  url(database?: string): string;
  /** Leaves the server; the last Vesti process to leave stops it. Safe to call twice. */
  release(): Promise<void>;
}

const SUPERUSER = "postgres";

export async function openEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = options.log ?? (() => {});
  const home = resolve(options.home);
  const dataDir = join(home, "postgres");
  const logFile = join(home, "postgres.log");
  const passwordFile = join(home, "postgres.password");
  const timeoutMs = options.startTimeoutMs ?? 30_000;

  const binaries = await findPostgresBinaries();
  const account = await serverAccount(log);
  await mkdir(home, { recursive: true });
  if (account) {
    // VESTI_HOME itself is Vesti's own folder: let the account through it (it still cannot list it).
    if (unreachableFolder(home, account) === home) {
      await chmod(home, (statSync(home).mode & 0o777) | 0o011);
      log(`made ${home} passable for the account "${account.name}" (mode +x)`);
    }
    const blocked = unreachableFolder(home, account);
    if (blocked)
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL runs as the account "${account.name}" (it refuses to run as root), and that account cannot enter ${blocked} ` +
          `(mode ${(statSync(blocked).mode & 0o777).toString(8)}), which holds its data folder ${home}. ` +
          `Set VESTI_HOME to a folder it can reach (for example VESTI_HOME=/var/lib/vesti), or run Vesti as a normal user`,
      );
  }
  const bin = account ? reachableBinaries(binaries, account, home, log) : binaries;

  return withLock(home, async () => {
    let running: { pid: number; port: number } | undefined = await runningServer(dataDir);
    let how: EmbeddedPostgres["how"] = "joined";
    if (running) {
      const users = await liveLeases(home);
      // No live Vesti process uses it: a run that was killed (SIGKILL, OOM) left it behind.
      if (users.length === 0) how = "recovered";
    } else {
      if (!existsSync(join(dataDir, "PG_VERSION")))
        await initialise(bin, dataDir, passwordFile, account, log);
      running = await startServer(bin, dataDir, logFile, options.port, account, timeoutMs);
      how = "started";
    }
    const server = running;
    const password = await readPassword(passwordFile);
    const url = (database = "vesti") =>
      `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${server.port}/${database}`;
    await waitUntilAccepting(url("postgres"), server.pid, timeoutMs, logFile, passwordFile);
    await writeLease(home);
    if (how === "recovered")
      log(
        `embedded PostgreSQL (pid ${server.pid}) was left running by a Vesti process that did not stop; using it`,
      );
    if (server.port !== options.port)
      log(`embedded PostgreSQL is running on port ${server.port}, not ${options.port}: using ${server.port}`);

    let released = false;
    return {
      home,
      dataDir,
      logFile,
      port: server.port,
      version: bin.version,
      pid: server.pid,
      how,
      url,
      release: async () => {
        if (released) return;
        released = true;
        await withLock(home, async () => {
          await removeLease(home, process.pid);
          if ((await liveLeases(home)).length > 0) return;
          const current = await runningServer(dataDir);
          if (current) await stopServer(current.pid, timeoutMs);
        });
      },
    };
  });
}

/** Stops the server of a VESTI_HOME whoever started it (`vesti db stop`); false when none was running. */
export async function stopEmbeddedPostgres(home: string, timeoutMs = 30_000): Promise<boolean> {
  const dataDir = join(resolve(home), "postgres");
  return withLock(resolve(home), async () => {
    const running = await runningServer(dataDir);
    if (!running) return false;
    await stopServer(running.pid, timeoutMs);
    return true;
  });
}

/** What `vesti db status` shows: the server's pid and port when it runs, and the Vesti processes using it. */
export async function embeddedPostgresStatus(home: string) {
  const dataDir = join(resolve(home), "postgres");
  return {
    initialised: existsSync(join(dataDir, "PG_VERSION")),
    running: await runningServer(dataDir),
    users: existsSync(join(resolve(home), "leases")) ? await liveLeases(resolve(home)) : [],
  };
}

// --- the server process ---------------------------------------------------------------------------

async function initialise(
  bin: PostgresBinaries,
  dataDir: string,
  passwordFile: string,
  account: ServerAccount | undefined,
  log: (m: string) => void,
): Promise<void> {
  // A data folder without PG_VERSION is an initdb that did not finish: nothing in it is worth keeping.
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (account) await chown(dataDir, account.uid, account.gid);
  const password = randomBytes(18).toString("base64url");
  await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  // initdb reads the password from a file, which the server's account must be able to read.
  const pwfile = `${passwordFile}.initdb-${process.pid}`;
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (account) await chown(pwfile, account.uid, account.gid);
  log(`creating the embedded PostgreSQL database cluster in ${dataDir}`);
  try {
    const { code, output } = await runToEnd(
      bin.initdb,
      [
        `--pgdata=${dataDir}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        // Password auth on loopback only (the server does not listen anywhere else), and no local socket.
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        // Byte-order collation and Unicode case mapping that do not depend on the machine's locales.
        "--locale=C",
        "--locale-provider=builtin",
        "--builtin-locale=C.UTF-8",
      ],
      account,
    );
    if (code !== 0)
      throw new EmbeddedPostgresError(`initdb failed (exit code ${code}): ${lastLines(output, 5)}`);
  } finally {
    await unlink(pwfile).catch(() => {});
  }
}

async function startServer(
  bin: PostgresBinaries,
  dataDir: string,
  logFile: string,
  port: number,
  account: ServerAccount | undefined,
  timeoutMs: number,
): Promise<{ pid: number; port: number }> {
  const fd = openSync(logFile, "a");
  const logStart = statSync(logFile).size;
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(
      bin.postgres,
      [
        "-D",
        dataDir,
        "-p",
        String(port),
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
      ],
      {
        detached: true,
        stdio: ["ignore", fd, fd],
        env: { ...serverEnv(), LC_MESSAGES: "C" },
        ...(account ? { uid: account.uid, gid: account.gid } : {}),
      },
    );
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  const spawnError = new Promise<Error>((r) => child.once("error", r));
  child.unref();
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const outcome = await Promise.race([
      exited.then((code) => ({ exited: code })),
      spawnError.then((error) => ({ error })),
      sleep(50).then(() => null),
    ]);
    if (outcome && "error" in outcome)
      throw new EmbeddedPostgresError(
        `could not start embedded PostgreSQL (${bin.postgres}): ${outcome.error.message}`,
      );
    if (outcome && "exited" in outcome) throw startFailure(readFrom(logFile, logStart), port, outcome.exited);
    const running = await runningServer(dataDir);
    if (running && running.pid === child.pid && running.ready)
      return { pid: running.pid, port: running.port };
    if (Date.now() > deadline) {
      child.kill("SIGQUIT");
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL did not start within ${timeoutMs / 1000} s: ${lastLines(readFrom(logFile, logStart), 3)} (log: ${logFile})`,
      );
    }
  }
}

function startFailure(log: string, port: number, code: number | null): EmbeddedPostgresError {
  if (/Address already in use|could not create any TCP\/IP sockets/i.test(log))
    return new EmbeddedPostgresError(
      `port ${port} on 127.0.0.1 is taken by another program: set EMBEDDED_PG_PORT to a free port`,
    );
  if (/Permission denied/i.test(log))
    return new EmbeddedPostgresError(`embedded PostgreSQL could not read its files: ${lastLines(log, 2)}`);
  return new EmbeddedPostgresError(
    `embedded PostgreSQL exited at start (code ${code}): ${lastLines(log, 3)}`,
  );
}

/** The server that postmaster.pid names, when that process is alive. */
async function runningServer(
  dataDir: string,
): Promise<{ pid: number; port: number; ready: boolean } | undefined> {
  let text: string;
  try {
    text = await readFile(join(dataDir, "postmaster.pid"), "utf8");
  } catch {
    return undefined;
  }
  const lines = text.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return { pid, port, ready: (lines[7] ?? "").trim() === "ready" };
}

async function stopServer(pid: number, timeoutMs: number): Promise<void> {
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, a checkpoint is written, nothing is lost.
  signal(pid, "SIGINT");
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      signal(pid, "SIGQUIT"); // immediate shutdown: crash recovery on the next start, still no loss
      await sleep(500);
      break;
    }
    await sleep(25);
  }
}

async function waitUntilAccepting(
  url: string,
  pid: number,
  timeoutMs: number,
  logFile: string,
  passwordFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.query("SELECT 1");
      return;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/password authentication failed/.test(message))
        throw new EmbeddedPostgresError(
          `the embedded PostgreSQL server refused the password in ${passwordFile}: ` +
            "the file does not belong to this data folder. Restore it, or move the folder away to start afresh",
        );
      if (!isAlive(pid) || Date.now() > deadline)
        throw new EmbeddedPostgresError(
          `embedded PostgreSQL is not accepting connections: ${message} (log: ${logFile})`,
        );
      await sleep(50);
    } finally {
      await client.end().catch(() => {});
    }
  }
}

async function readPassword(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch {
    throw new EmbeddedPostgresError(
      `the embedded database's password file ${file} is missing; without it Vesti cannot connect. Restore it, or move ${file.replace(/\.password$/, "")} away to start afresh`,
    );
  }
}

/**
 * As root the server runs as an unprivileged account, which must be able to reach the binaries. When the
 * project lives where it cannot (a home folder of mode 0700), the binaries are copied once into VESTI_HOME.
 */
function reachableBinaries(
  bin: PostgresBinaries,
  account: ServerAccount,
  home: string,
  log: (m: string) => void,
): PostgresBinaries {
  if (!unreachableFolder(bin.nativeDir, account)) return bin;
  const copy = join(home, `postgres-${bin.version}`);
  if (!existsSync(join(copy, "bin", "postgres"))) {
    log(
      `copying the PostgreSQL binaries to ${copy}: the account "${account.name}" cannot reach ${bin.nativeDir}`,
    );
    cpSync(bin.nativeDir, copy, { recursive: true, verbatimSymlinks: true });
  }
  return {
    ...bin,
    nativeDir: copy,
    postgres: join(copy, "bin", "postgres"),
    initdb: join(copy, "bin", "initdb"),
  };
}

// --- leases and the lock --------------------------------------------------------------------------

const LOCK_TIMEOUT_MS = 60_000;

/** Serialises start, join and stop of one VESTI_HOME's server across processes (an O_EXCL lock file). */
async function withLock<T>(home: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(home, "server.lock");
  const deadline = Date.now() + LOCK_TIMEOUT_MS;
  for (;;) {
    try {
      const handle = await open(lock, "wx");
      await handle.writeFile(identity(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = await readFile(lock, "utf8").catch(() => "");
      if (holder && !holderAlive(holder)) {
        await unlink(lock).catch(() => {});
        continue;
      }
      if (Date.now() > deadline)
        throw new EmbeddedPostgresError(`another Vesti process holds ${lock} for more than a minute`);
      await sleep(25);
    }
  }
  try {
    return await fn();
  } finally {
    await unlink(lock).catch(() => {});
  }
}

async function writeLease(home: string): Promise<void> {
  const dir = join(home, "leases");
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, String(process.pid)), identity(process.pid));
}

async function removeLease(home: string, pid: number): Promise<void> {
  await unlink(join(home, "leases", String(pid))).catch(() => {});
}

/** The pids of Vesti processes holding a lease; leases of processes that are gone are removed. */
async function liveLeases(home: string): Promise<number[]> {
  const dir = join(home, "leases");
  const live: number[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    const text = await readFile(join(dir, name), "utf8").catch(() => "");
    if (holderAlive(text)) live.push(Number(name));
    else await unlink(join(dir, name)).catch(() => {});
  }
  return live;
}

/** A pid and, on Linux, the process's start time: a reused pid is not mistaken for the old process. */
function identity(pid: number): string {
  return JSON.stringify({ pid, start: startTime(pid) });
}

function holderAlive(text: string): boolean {
  try {
    const { pid, start } = JSON.parse(text) as { pid: number; start: string | null };
    return isAlive(pid) && (start === null || startTime(pid) === start);
  } catch {
    return false;
  }
}

function startTime(pid: number): string | null {
  try {
    // Field 22 of /proc/<pid>/stat, counted after the command name (which may contain spaces).
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

// --- small helpers --------------------------------------------------------------------------------

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The environment for the server and initdb: the caller's, without libpq settings meant for clients. */
function serverEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("PG")) delete env[k];
  return env;
}

function runToEnd(
  file: string,
  args: string[],
  account: ServerAccount | undefined,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(file, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...serverEnv(), LC_MESSAGES: "C" },
      ...(account ? { uid: account.uid, gid: account.gid, cwd: "/" } : {}),
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.once("error", (error) =>
      reject(new EmbeddedPostgresError(`could not run ${file}: ${error.message}`)),
    );
    child.once("close", (code) => resolvePromise({ code, output }));
  });
}

function readFrom(file: string, offset: number): string {
  try {
    const fd = openSync(file, "r");
    try {
      const size = statSync(file).size - offset;
      const buf = Buffer.alloc(Math.max(0, Math.min(size, 64 * 1024)));
      readSync(fd, buf, 0, buf.length, offset);
      return buf.toString("utf8");
    } finally {
      closeSync(fd);
    }
  } catch {
    return "";
  }
}

function lastLines(text: string, n: number): string {
  const lines = text
    .split("\n")
    .map((l) => l.replace(/^\S+ \S+ \S+ \[\d+\] /, "").trim())
    .filter(Boolean);
  const fatal = lines.filter((l) => /^(FATAL|PANIC|ERROR):/.test(l));
  return (fatal.length > 0 ? fatal : lines).slice(-n).join(" / ") || "(no output)";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
