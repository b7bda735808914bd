import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

export interface LoggerSettings {
  level?: string;
  /** Pretty output for people; defaults to "stdout is a TTY". JSON otherwise. */
  pretty?: boolean;
  name?: string;
  /** Where lines go; defaults to stdout (fd 1). Pass 2 to keep stdout clean for --json output. */
  fd?: 1 | 2;
}

export function createLogger(settings: LoggerSettings = {}): Logger {
  const fd = settings.fd ?? 1;
  const pretty = settings.pretty ?? Boolean(fd === 1 ? process.stdout.isTTY : process.stderr.isTTY);
  const options: LoggerOptions = {
    level: settings.level ?? process.env.ONAIR_LOG_LEVEL ?? 'info',
    name: settings.name,
  };
  if (pretty) {
    return pino({
      ...options,
      transport: { target: 'pino-pretty', options: { destination: fd, translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname' } },
    });
  }
  return pino(options, pino.destination({ fd, sync: false }));
}

/** A logger that drops everything: for unit tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
