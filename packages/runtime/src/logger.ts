import { pino } from "pino";
import pretty from "pino-pretty";

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Readable lines instead of JSON; default: when the destination is a terminal. */
  pretty?: boolean;
  /** 1 (stdout, the services' default) or 2 (stderr: CLI commands whose stdout carries data). */
  fd?: 1 | 2;
}

/**
 * JSON lines (one per event, with the service, job id and feed) for machines; on a terminal, the same
 * events as readable lines. A pipe or a file always gets JSON.
 */
export function createLogger(service: string, level = "info", options: LoggerOptions = {}): Logger {
  const fd = options.fd ?? 1;
  const base = { level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime };
  const tty = fd === 1 ? process.stdout.isTTY : process.stderr.isTTY;
  if (!(options.pretty ?? tty)) return pino(base, pino.destination({ fd, sync: true }));
  return pino(
    base,
    pretty({
      destination: fd,
      colorize: true,
      translateTime: "HH:MM:ss",
      ignore: "pid,hostname,service",
      singleLine: true,
      sync: true,
    }),
  );
}
