import { pino } from "pino";

export type Logger = pino.Logger;

/** JSON logs on stdout; every line names the service, child loggers add the job id and feed. */
export function createLogger(service: string, level = "info"): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
