import { errorPageFor } from './page-error.filter.js';
import { databaseUnavailable } from './database-unavailable.js';

const pgError = (code: string, message = 'x') => Object.assign(new Error(message), { code });
/** What TypeORM throws for a failed query: the driver's error under `driverError`. */
const queryFailed = (driverError: Error) => Object.assign(new Error(driverError.message), { driverError });

describe('databaseUnavailable: PostgreSQL cannot be reached just now, as against a query that was wrong', () => {
  it.each([
    ['refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['shutting down', pgError('57P01', 'terminating connection due to administrator command')],
    ['starting up', pgError('57P03', 'the database system is starting up')],
    ['a connection exception', pgError('08006', 'connection failure')],
    ['a cut connection', new Error('Connection terminated unexpectedly')],
    ['a stalled connect', new Error('timeout exceeded when trying to connect')],
    ['inside a TypeORM error', queryFailed(pgError('57P01', 'terminating connection'))],
    // A statement past statement_timeout, or one a stalled server never answered within query_timeout.
    ['a statement cancelled', queryFailed(pgError('57014', 'canceling statement due to statement timeout'))],
    ['a query with no answer', queryFailed(new Error('Query read timeout'))],
    // An operator's maintenance, a full server, a database being restored.
    [
      'the database takes no connections',
      pgError('55000', 'database "partner_returns" is not currently accepting connections'),
    ],
    ['too many connections', pgError('53300', 'sorry, too many clients already')],
    ['the disk is full', queryFailed(pgError('53100', 'could not extend file'))],
    ['the database is not there', pgError('3D000', 'database "partner_returns" does not exist')],
  ])('is true when %s', (_what, error) => {
    expect(databaseUnavailable(error)).toBe(true);
    expect(errorPageFor(error).status).toBe(503);
  });

  it.each([
    ['a syntax error', pgError('42601')],
    ['a unique violation', queryFailed(pgError('23505'))],
    ['a lock wait past its own lock timeout', queryFailed(pgError('55P03'))],
    ['another object in the wrong state', queryFailed(pgError('55000', 'cannot be altered'))],
    ['any other error', new Error('boom')],
    ['nothing', undefined],
  ])('is false for %s', (_what, error) => {
    expect(databaseUnavailable(error)).toBe(false);
  });
});
