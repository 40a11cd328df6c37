import { queryTimedOut } from './query-timed-out.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
/** What TypeORM throws for a failed query: the driver's error under `driverError`. */
const queryFailed = (driverError: Error) => Object.assign(new Error(driverError.message), { driverError });

describe('queryTimedOut: a statement given up on for taking too long, as against one that was wrong', () => {
  it.each([
    [
      'PostgreSQL cancelled it (statement_timeout)',
      pgError('57014', 'canceling statement due to statement timeout'),
    ],
    ['the same inside a TypeORM error', queryFailed(pgError('57014'))],
    ['no answer within query_timeout', new Error('Query read timeout')],
    ['the same inside a TypeORM error', queryFailed(new Error('Query read timeout'))],
  ])('is true when %s', (_what, error) => {
    expect(queryTimedOut(error)).toBe(true);
  });

  it.each([
    ['a syntax error', pgError('42601')],
    ['a lock wait past its own lock_timeout (the caller decides)', pgError('55P03')],
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    ['nothing', undefined],
    ['a string', 'Query read timeout'],
  ])('is false for %s', (_what, error) => {
    expect(queryTimedOut(error)).toBe(false);
  });
});
