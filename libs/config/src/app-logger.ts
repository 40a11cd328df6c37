import { LoggerService } from '@nestjs/common';

/**
 * @nestjs/typeorm warns when a second TypeOrmModule registers the default data source in one process. `npm start`
 * and the e2e tests run the api and the worker as two Nest apps in one process: two containers, two DataSources,
 * neither able to override the other (TypeORM 1 keeps no global connection list), so the warning is false there
 * and would be a newcomer's first line of output. A real duplicate inside one app still fails at start-up (Nest
 * refuses two providers of one token in a module), so nothing is hidden by dropping it.
 */
const FALSE_ALARMS: readonly { context: string; starts: string }[] = [
  { context: 'DataSourceNameRegistry', starts: 'A data source with the default name is already registered' },
];

const isFalseAlarm = (message: unknown, rest: unknown[]): boolean =>
  typeof message === 'string' &&
  FALSE_ALARMS.some((a) => rest[rest.length - 1] === a.context && message.startsWith(a.starts));

/** The app's logger, less the framework warnings known to be false for this product (see FALSE_ALARMS). */
export function withoutFalseAlarms(logger: LoggerService): LoggerService {
  return {
    log: (message, ...rest) => logger.log(message, ...rest),
    error: (message, ...rest) => logger.error(message, ...rest),
    warn: (message, ...rest) => (isFalseAlarm(message, rest) ? undefined : logger.warn(message, ...rest)),
    debug: (message, ...rest) => logger.debug?.(message, ...rest),
    verbose: (message, ...rest) => logger.verbose?.(message, ...rest),
    fatal: (message, ...rest) => logger.fatal?.(message, ...rest),
  };
}
