import { isAbsolute, resolve } from "node:path";

/** Paths on the command line are relative to where the user ran `pnpm vesti`, not to the package. */
export function resolveUserPath(path: string): string {
  return isAbsolute(path) ? path : resolve(process.env.INIT_CWD ?? process.cwd(), path);
}
