import { LoggerService } from '@nestjs/common';
import { withoutFalseAlarms } from './app-logger.js';

describe('withoutFalseAlarms', () => {
  const written: unknown[][] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) =>
      written.push([level, ...args]);
  const inner: LoggerService = {
    log: record('log'),
    error: record('error'),
    warn: record('warn'),
    debug: record('debug'),
    verbose: record('verbose'),
    fatal: record('fatal'),
  };
  const logger = withoutFalseAlarms(inner);
  beforeEach(() => (written.length = 0));

  it("drops @nestjs/typeorm's duplicate default data source warning (two Nest apps in one process)", () => {
    logger.warn(
      'A data source with the default name is already registered. Multiple data sources must be registered',
      'DataSourceNameRegistry',
    );
    expect(written).toEqual([]);
  });

  it('passes every other line on as it was given, the same words from another context included', () => {
    logger.warn('A data source with the default name is already registered.', 'SomethingElse');
    logger.warn('Redis is slow', 'ChaseScheduler');
    logger.log('started', 'NestApplication');
    logger.error('failed', 'trace', 'Relay');
    logger.fatal?.('gone');
    expect(written).toEqual([
      ['warn', 'A data source with the default name is already registered.', 'SomethingElse'],
      ['warn', 'Redis is slow', 'ChaseScheduler'],
      ['log', 'started', 'NestApplication'],
      ['error', 'failed', 'trace', 'Relay'],
      ['fatal', 'gone'],
    ]);
  });
});
