import { coordinator, lead, reviewer, thenError, viewer } from '../../../../test/support/decide-spec.js';
import {
  decideRetentionPeriods,
  DEFAULT_RETENTION,
  evolveRetention,
  initialRetention,
  RetentionEvent,
  RetentionState,
  SetRetentionPeriods,
} from './retention-periods.js';

const given = (...events: RetentionEvent[]): RetentionState =>
  events.reduce(evolveRetention, initialRetention());
const set = (
  periods: Record<string, unknown> = {},
  overrides: Partial<SetRetentionPeriods> = {},
): SetRetentionPeriods => ({
  type: 'SetRetentionPeriods',
  actor: coordinator,
  partnershipId: 'lsp',
  periods: { contactMonths: 12, mailDays: 30, sessionDays: 7, evidenceYears: 3, ...periods },
  ...overrides,
});

describe('SetRetentionPeriods', () => {
  it('starts from the defaults, which are not recorded until a coordinator sets them', () => {
    expect(given()).toEqual({ periods: DEFAULT_RETENTION, set: false });
  });

  it('records the periods with the partnership, and they are then the partnership’s', () => {
    const then = decideRetentionPeriods(set(), given());
    expect(then).toEqual([
      {
        type: 'RetentionPeriodsSet',
        data: { partnershipId: 'lsp', contactMonths: 12, mailDays: 30, sessionDays: 7, evidenceYears: 3 },
      },
    ]);
    expect(then.reduce(evolveRetention, given()).periods).toEqual({
      contactMonths: 12,
      mailDays: 30,
      sessionDays: 7,
      evidenceYears: 3,
    });
  });

  it('takes numbers typed in a form', () => {
    expect(decideRetentionPeriods(set({ contactMonths: ' 6 ' }), given())[0].data.contactMonths).toBe(6);
  });

  it('records nothing when the periods are those already set', () => {
    const state = given(...decideRetentionPeriods(set(), given()));
    expect(decideRetentionPeriods(set(), state)).toEqual([]);
  });

  it('records the defaults when first set to them, so who chose them is on record', () => {
    expect(decideRetentionPeriods(set({ ...DEFAULT_RETENTION }), given())).toHaveLength(1);
  });

  it.each([
    ['contactMonths', 0],
    ['contactMonths', 121],
    ['contactMonths', 1.5],
    ['mailDays', -1],
    ['mailDays', '3 days'],
    ['sessionDays', null],
    ['sessionDays', 3651],
    ['evidenceYears', 51],
    ['evidenceYears', ''],
  ])('refuses %s = %p, naming the field (422)', (field, value) => {
    thenError(
      () => decideRetentionPeriods(set({ [field]: value }), given()),
      'retention-out-of-bounds',
      'unprocessable',
      field,
    );
  });

  it('says the bounds in the message', () => {
    const error = thenError(
      () => decideRetentionPeriods(set({ contactMonths: 0 }), given()),
      'retention-out-of-bounds',
      'unprocessable',
      'contactMonths',
    );
    expect(error.message).toBe('contactMonths must be a whole number of months from 1 to 120');
  });

  it.each([
    ['a reviewer', reviewer],
    ['a viewer', viewer],
    ['an agency lead', lead],
  ])('is the coordinator’s alone, not %s’s', (_who, actor) => {
    thenError(() => decideRetentionPeriods(set({}, { actor }), given()), 'forbidden', 'forbidden');
  });
});
