import { pino, type Logger } from "pino"

/** Structured JSON logs (pino); `logger` wins over `level`. */
export function createLogger(logger: Logger | undefined, level: string | undefined): Logger {
  return logger ?? pino({ name: "conduit", level: level ?? process.env.CONDUIT_LOG_LEVEL ?? "info" })
}
