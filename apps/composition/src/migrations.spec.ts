import { AUTH_MIGRATIONS } from '../../../libs/auth/src/index.js';
import { CHASING_MIGRATIONS } from '../../../libs/chasing/src/index.js';
import { EVENT_STORE_MIGRATIONS } from '../../../libs/event-store/src/index.js';
import { HTTP_MIGRATIONS } from '../../../libs/http/src/index.js';
import { MAIL_MIGRATIONS } from '../../../libs/mail/src/index.js';
import { REPORTING_MIGRATIONS } from '../../../libs/reporting/src/index.js';
import { RETURNS_MIGRATIONS } from '../../../libs/returns/src/index.js';
import { MIGRATIONS, timestampOf } from './migrations.js';

describe('the one list of migrations, composed from the libs that own them', () => {
  const owned = [
    EVENT_STORE_MIGRATIONS,
    MAIL_MIGRATIONS,
    HTTP_MIGRATIONS,
    RETURNS_MIGRATIONS,
    AUTH_MIGRATIONS,
    CHASING_MIGRATIONS,
    REPORTING_MIGRATIONS,
  ];

  it('holds every migration of every lib once', () => {
    expect(new Set(MIGRATIONS).size).toBe(MIGRATIONS.length);
    expect([...MIGRATIONS].sort()).toEqual(owned.flat().sort());
  });

  it('is ordered by the timestamp at the end of each class name, as TypeORM runs them', () => {
    const stamps = MIGRATIONS.map(timestampOf);
    expect(stamps.every((t) => Number.isInteger(t) && t > 1_700_000_000_000)).toBe(true);
    expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    expect(MIGRATIONS.map((m) => m.name)).toEqual([
      'EventStore1764000000000',
      'ReportReturns1764000000100',
      'DevMail1764000000200',
      'Auth1764000000300',
      'EventsByPartnership1764000000500',
      'IdempotencyKeys1764000000600',
      'ReportingTables1764000000650',
      'Chasing1764000000700',
      'ParkedEvents1765020000100',
      'MailLedger1765030000100',
      'AttemptThrottles1765040000100',
      'StaffEmailPerPartnership1765050000100',
      'ReportReturnsUnreadable1765060000300',
      'PasswordTokens1765070000400',
      'ReportReturnsIndicators1765080000700',
      'BoardRole1765081400100',
      'BiViews1765081500100',
      'EvidenceStorage1765090000100',
      'ReportEvidence1765091600100',
      'PublicationLogDigest1765091700200',
      'MailOutcomesIndex1765091800100',
      'PersonalData1765092400000',
      'ReturnTexts1765092500000',
      'PublicationsRedacted1765092500100',
      'LogHashes1765092600100',
      'EventFence1765094000100',
      'EventsAppendedNotify1765094000200',
      'AppendixTexts1765210000000',
      'EventsNotifiedAfterCommit1765220000000',
      'BiPlanWords1765230000000',
      'ResetRequests1765240000100',
      'RetentionRuns1765250000100',
      'MessageTexts1765260000000',
      'ReasonTexts1765260000100',
      'CycleReasonTexts1765270000000',
      'EvidenceReasonTexts1765270000100',
    ]);
  });
});
