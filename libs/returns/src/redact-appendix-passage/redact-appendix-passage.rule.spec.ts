import { createHash } from 'node:crypto';
import { coordinator, reviewer, thenError } from '../../../../test/support/decide-spec.js';
import { AppendixEvent, EnteredCaseStudy } from '../appendices/appendices.events.js';
import { AppendicesState, foldAppendices } from '../appendices/appendices.state.js';
import { decideRedactAppendixPassage, RedactAppendixPassage } from './redact-appendix-passage.rule.js';

// given-events / when-command / then-events
const given = (...events: AppendixEvent[]): AppendicesState => foldAppendices(events);
const NAME = 'Krysta Ablethorp';
const intern: EnteredCaseStudy = {
  title: `${NAME}, Year 14`,
  organisation: 'Sevenoaks District Council and Broomhill Bank School',
  author: 'Lucy Soper, Job Coach',
  measureRef: 'D2',
  themeId: null,
  sections: [{ heading: 'Academic background', body: `${NAME} took GCSE Mathematics.` }],
};
const appendix: AppendixEvent = {
  type: 'AppendixAdded',
  data: {
    cycleId: 'y1',
    appendixId: 'appendix-2',
    title: 'Supported Internship Case Studies',
    introduction: '',
  },
};
const entered: AppendixEvent = {
  type: 'AppendixCaseStudyAdded',
  data: { appendixId: 'appendix-2', caseStudyId: 'study-1', study: intern },
};
const placed: AppendixEvent = {
  type: 'AgencyCaseStudyPlaced',
  data: {
    appendixId: 'appendix-2',
    caseStudyId: 'study-2',
    placed: { returnId: 'y1.S1', index: 0, measureRef: 'S1', themeId: 'safe', agencyId: 'csp' },
  },
};
const when = (overrides: Partial<RedactAppendixPassage> = {}, state = given(appendix, entered, placed)) =>
  decideRedactAppendixPassage(
    {
      type: 'RedactAppendixPassage',
      actor: coordinator,
      appendixId: 'appendix-2',
      caseStudyId: 'study-1',
      part: 0,
      passage: NAME,
      reason: 'Names a young person',
      versions: [intern.sections[0].body],
      ...overrides,
    },
    state,
  );

describe('redacting a passage from a case study entered in an appendix', () => {
  it('records where, why, by whom, and the passage’s SHA-256 and length, never the passage', () => {
    const then = when();
    expect(then).toEqual([
      {
        type: 'AppendixPassageRedacted',
        data: {
          appendixId: 'appendix-2',
          caseStudyId: 'study-1',
          part: 0,
          passageSha256: createHash('sha256').update(NAME, 'utf8').digest('hex'),
          passageLength: NAME.length,
          reason: 'Names a young person',
          by: coordinator.id,
        },
      },
    ]);
    expect(JSON.stringify(then)).not.toContain(NAME);
  });

  it('takes the title as a part, the passage found in any version of it', () => {
    const [event] = when({ part: 'title', versions: ['An intern, Year 14', intern.title] });
    expect(event.data).toMatchObject({ part: 'title' });
  });

  it('is the coordinator’s alone', () => {
    thenError(() => when({ actor: reviewer }), 'forbidden', 'forbidden');
  });

  it.each([
    ['appendix', { appendixId: 'appendix-9' }, 'appendix-not-found', 'appendixId'],
    ['case study', { caseStudyId: 'study-9' }, 'case-study-not-found', 'caseStudyId'],
  ])('does not know an unknown %s (404 naming it)', (_what, overrides, code, field) => {
    thenError(() => when(overrides), code, 'not-found', field);
  });

  it('sends a placed study’s redaction to its return (422 on caseStudyId)', () => {
    thenError(() => when({ caseStudyId: 'study-2' }), 'placed-case-study', 'unprocessable', 'caseStudyId');
  });

  it.each([
    ['a part that is neither the title nor a section number', { part: 'body' }, 'invalid-part', 'part'],
    ['a negative section', { part: -1 }, 'invalid-part', 'part'],
    // An attacker's probe (2026-12-06): section 99 of a two-section study was answered passage-not-found.
    ['a section the study does not have', { part: 99, versions: [] }, 'part-not-found', 'part'],
    ['no passage', { passage: '  ' }, 'passage-required', 'passage'],
    ['a passage that is not there', { passage: 'Someone Else' }, 'passage-not-found', 'passage'],
    ['a reason that repeats the passage', { reason: `${NAME} asked` }, 'reason-holds-passage', 'reason'],
    ['no reason', { reason: '' }, 'reason-required', 'reason'],
  ])('refuses %s, naming the field (422)', (_what, overrides, code, field) => {
    thenError(() => when(overrides as Partial<RedactAppendixPassage>), code, 'unprocessable', field);
  });
});
