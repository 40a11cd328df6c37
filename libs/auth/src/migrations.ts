import { Session } from './sessions/session.entity.js';
import { StaffAccount } from './staff/staff-account.entity.js';
import { ApiToken } from './tokens/api-token.entity.js';
import { Auth1764000000300 } from './migrations/1764000000300-auth.js';
import { AttemptThrottles1765040000100 } from './migrations/1765040000100-attempt-throttles.js';
import { PasswordTokens1765070000400 } from './migrations/1765070000400-password-tokens.js';
import { PasswordToken } from './passwords/password-token.entity.js';
import { BoardRole1765081400100 } from './migrations/1765081400100-board-role.js';
import { ResetRequests1765240000100 } from './migrations/1765240000100-reset-requests.js';
import { StaffEmailPerPartnership1765050000100 } from './migrations/1765050000100-staff-email-per-partnership.js';

/** The auth lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const AUTH_MIGRATIONS = [
  Auth1764000000300,
  AttemptThrottles1765040000100,
  StaffEmailPerPartnership1765050000100,
  PasswordTokens1765070000400,
  BoardRole1765081400100,
  ResetRequests1765240000100,
];

/** The TypeORM entities of the auth tables: they map what the migrations made, and never change it. */
export const AUTH_ENTITIES = [StaffAccount, ApiToken, Session, PasswordToken];
