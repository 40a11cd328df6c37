import { Indicator } from '../../../plan/src/index.js';
import { lead, thenError } from '../../../../test/support/decide-spec.js';
import { ReturnContent } from './return-content.js';
import { decideReturn, ReturnCommand } from './return.decide.js';
import { ReturnEvent } from './return.events.js';
import { evolveReturn, initialReturn, ReturnState } from './return.state.js';

// given-events / when-command / then-events, for a measure that declares indicators.
const given = (...events: ReturnEvent[]): ReturnState => events.reduce(evolveReturn, initialReturn());
const when = (state: ReturnState, command: ReturnCommand): ReturnEvent[] => decideReturn(command, state);

const indicators: Indicator[] = [
  {
    name: 'Actions achieved',
    unit: '%',
    baseline: 80,
    target: 85,
    direction: 'higher-is-better',
    amber: { value: 80 },
    red: { value: 70 },
  },
  {
    name: 'Repeat victims',
    unit: 'count',
    baseline: null,
    target: 35,
    direction: 'lower-is-better',
    amber: { variance: 10 },
    red: { variance: 30 },
  },
];
const requested: ReturnEvent = {
  type: 'ReturnRequested',
  data: {
    returnId: 'y1.S1',
    cycleId: 'y1',
    partnershipId: 'lsp',
    planId: 'plan',
    measureRef: 'S1',
    themeId: 'safe',
    agencyId: 'kcc',
    dueDate: '2020-04-30',
  },
};
const now = new Date('2020-04-01T12:00:00Z');
const values = (actions: number | null, repeat: number | null) => [
  { name: 'Actions achieved', value: actions },
  { name: 'Repeat victims', value: repeat },
];
const content = (extra: ReturnContent): ReturnContent => ({ narrative: 'On track.', ...extra });
const submit = (c: ReturnContent): ReturnCommand => ({
  type: 'SubmitReturn',
  actor: lead,
  content: c,
  now,
  indicators,
});

describe('indicator values on a return', () => {
  it('submits values whose suggestion the agency follows, without a reason', () => {
    const c = content({ rag: 'amber', indicators: values(90, 40) });
    expect(when(given(requested), submit(c))).toEqual([
      { type: 'ReturnSubmitted', data: { content: c, by: 'ann', late: false } },
    ]);
  });

  it('refuses another RAG than suggested without a reason (rag-reason-required 422, field ragReason)', () => {
    const error = thenError(
      () => when(given(requested), submit(content({ rag: 'green', indicators: values(90, 40) }))),
      'rag-reason-required',
      'unprocessable',
      'ragReason',
    );
    expect(error.message).toBe('The values suggest amber: give a reason for choosing green');
    thenError(
      () =>
        when(
          given(requested),
          submit(content({ rag: 'green', indicators: values(60, 20), ragReason: '  ' })),
        ),
      'rag-reason-required',
      'unprocessable',
      'ragReason',
    );
  });

  it('submits another RAG than suggested with the reason, which the event keeps for the reviewer', () => {
    const c = content({
      rag: 'green',
      indicators: values(90, 40),
      ragReason: 'Two repeat cases were one family',
    });
    expect(when(given(requested), submit(c))).toEqual([
      { type: 'ReturnSubmitted', data: { content: c, by: 'ann', late: false } },
    ]);
  });

  it('needs no reason when no value is known yet: there is no suggestion', () => {
    const c = content({ rag: 'red', indicators: values(null, null) });
    expect(when(given(requested), submit(c))).toHaveLength(1);
    expect(when(given(requested), submit(content({ rag: 'red' })))).toHaveLength(1);
  });

  it('checks the saved draft when the command carries no content', () => {
    const draft: ReturnEvent = {
      type: 'ReturnDraftSaved',
      data: { content: content({ rag: 'green', indicators: values(65, 20) }), by: 'ann' },
    };
    thenError(
      () => when(given(requested, draft), { type: 'SubmitReturn', actor: lead, now, indicators }),
      'rag-reason-required',
      'unprocessable',
      'ragReason',
    );
  });

  it('refuses a value for an indicator the measure does not declare, naming the field, in a draft too', () => {
    const stray = content({ rag: 'amber', indicators: [...values(90, 40), { name: 'Actions', value: 1 }] });
    const error = thenError(
      () => when(given(requested), { type: 'SaveReturnDraft', actor: lead, content: stray, indicators }),
      'unknown-indicator',
      'unprocessable',
      'indicators[2].name',
    );
    expect(error.message).toBe(
      '"Actions" is not an indicator of this measure: its indicators are "Actions achieved", "Repeat victims"',
    );
    thenError(
      () => when(given(requested), submit({ ...stray, indicators: [{ name: 'x', value: 1 }] })),
      'unknown-indicator',
      'unprocessable',
      'indicators[0].name',
    );
  });

  it('refuses two values for one indicator', () => {
    thenError(
      () =>
        when(
          given(requested),
          submit(content({ rag: 'amber', indicators: [...values(90, 40), values(1, 1)[0]] })),
        ),
      'duplicate-indicator',
      'unprocessable',
      'indicators[2].name',
    );
  });

  it('refuses values that are not finite numbers in a sane range (malformed-content 422)', () => {
    for (const value of [Infinity, NaN, 1e13, '85']) {
      thenError(
        () =>
          when(given(requested), {
            type: 'SaveReturnDraft',
            actor: lead,
            content: { indicators: [{ name: 'Actions achieved', value: value as number }] },
            indicators,
          }),
        'malformed-content',
        'unprocessable',
        'indicators[0].value',
      );
    }
  });
});
