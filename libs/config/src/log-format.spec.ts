import { logFormat, prettyDestination, prettyLine } from './log-format.js';

describe('how the logs are written', () => {
  it('is readable on a terminal outside production, JSON everywhere else', () => {
    expect(logFormat(true, 'development')).toBe('pretty');
    expect(logFormat(true, 'test')).toBe('pretty');
    expect(logFormat(true, undefined)).toBe('pretty');
    expect(logFormat(true, 'production')).toBe('json');
    expect(logFormat(false, 'development')).toBe('json');
    expect(logFormat(undefined, 'development')).toBe('json');
    expect(logFormat(undefined, 'production')).toBe('json');
  });

  const at = Date.UTC(2026, 11, 3, 10, 53, 24);

  it('writes a line as time, level, context and message; a request with its method, path, status and time', () => {
    expect(
      prettyLine(JSON.stringify({ level: 40, time: at, context: 'MailLedger', msg: 'lease not released' })),
    ).toBe('10:53:24 WARN  [MailLedger] lease not released\n');
    expect(
      prettyLine(
        JSON.stringify({
          level: 30,
          time: at,
          msg: 'request completed',
          req: { method: 'GET', url: '/coordinate' },
          res: { statusCode: 200 },
          responseTime: 12,
        }),
      ),
    ).toBe('10:53:24 INFO  request completed GET /coordinate 200 12ms\n');
    expect(
      prettyLine(
        JSON.stringify({
          level: 50,
          time: at,
          msg: 'boom',
          err: { message: 'boom', stack: 'Error: boom\n    at x' },
        }),
      ),
    ).toBe('10:53:24 ERROR boom\nError: boom\n    at x\n');
  });

  it('leaves out Nest’s start-up chatter below warn, and passes a line that is not JSON as it is', () => {
    expect(
      prettyLine(JSON.stringify({ level: 30, context: 'RouterExplorer', msg: 'Mapped {/, GET} route' })),
    ).toBe('');
    expect(prettyLine(JSON.stringify({ level: 40, context: 'InstanceLoader', msg: 'odd' }))).toMatch(/WARN/);
    expect(prettyLine('not json')).toBe('not json\n');
  });

  it('writes what pino gives it through prettyLine, and nothing for a line left out', () => {
    const written: string[] = [];
    const destination = prettyDestination({ write: (text: string) => written.push(text) });
    destination.write(`${JSON.stringify({ level: 30, time: at, msg: 'hello' })}\n`);
    destination.write(`${JSON.stringify({ level: 30, time: at, context: 'InstanceLoader', msg: 'x' })}\n`);
    expect(written).toEqual(['10:53:24 INFO  hello\n']);
  });
});
