/**
 * How the logs are written: JSON for machines (production, or anything that is not a terminal: a file, a pipe,
 * a container's log driver), readable lines for a person at a terminal.
 */
export type LogFormat = 'pretty' | 'json';

export function logFormat(stdoutIsTTY: boolean | undefined, nodeEnv: string | undefined): LogFormat {
  return stdoutIsTTY === true && nodeEnv !== 'production' ? 'pretty' : 'json';
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * Nest's own start-up chatter (a line per module and per route, some 250 lines): useful in JSON for a search,
 * noise on a terminal. Shown there only at warn and above.
 */
const STARTUP_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
]);

interface LogRecord {
  level?: number;
  time?: number;
  context?: string;
  msg?: string;
  req?: { method?: string; url?: string };
  res?: { statusCode?: number };
  responseTime?: number;
  err?: { message?: string; stack?: string };
}

/**
 * One pino JSON line as one readable line: `10:53:24 WARN  [Context] message`, a request as
 * `GET /path 200 12ms`, an error's stack below it. '' for a line not worth a terminal; a line that is not
 * JSON passes as it is.
 */
export function prettyLine(json: string): string {
  let record: LogRecord;
  try {
    record = JSON.parse(json) as LogRecord;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = record.level ?? 30;
  if (level < 40 && record.context && STARTUP_CONTEXTS.has(record.context)) return '';
  const time = new Date(record.time ?? Date.now()).toISOString().slice(11, 19);
  const context = record.context ? `[${record.context}] ` : '';
  const request =
    record.req?.method && record.req.url
      ? ` ${record.req.method} ${record.req.url}${record.res?.statusCode ? ` ${record.res.statusCode}` : ''}${
          record.responseTime !== undefined ? ` ${record.responseTime}ms` : ''
        }`
      : '';
  const stack = record.err?.stack ? `\n${record.err.stack}` : '';
  return `${time} ${(LEVELS[level] ?? String(level)).padEnd(5)} ${context}${record.msg ?? ''}${request}${stack}\n`;
}

/** A pino destination that writes each line through prettyLine. */
export function prettyDestination(out: { write(text: string): unknown }): { write(line: string): void } {
  return {
    write(line: string) {
      const text = prettyLine(line.replace(/\n$/, ''));
      if (text) out.write(text);
    },
  };
}
