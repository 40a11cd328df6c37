import { coordinator, lead, reviewer, thenError, viewer } from '../../../../test/support/decide-spec.js';
import { decideForgetPerson, ForgetPerson } from './forget-person.decide.js';
import { evolvePerson, initialPerson, PersonEvent, PersonState } from './person.events.js';

const given = (...events: PersonEvent[]): PersonState => events.reduce(evolvePerson, initialPerson());
const forget = (overrides: Partial<ForgetPerson> = {}): ForgetPerson => ({
  type: 'ForgetPerson',
  actor: coordinator,
  personId: 'p-1',
  reason: 'Asked under UK GDPR article 17',
  knownAs: ['jo@police.example.org', 'Jo Smith'],
  isActor: false,
  knownElsewhere: false,
  ...overrides,
});

describe('ForgetPerson', () => {
  it('records that the person was forgotten, by their id and the reason alone', () => {
    const then = decideForgetPerson(forget(), given());
    expect(then).toEqual([
      { type: 'PersonForgotten', data: { personId: 'p-1', reason: 'Asked under UK GDPR article 17' } },
    ]);
    expect(JSON.stringify(then)).not.toMatch(/jo@police|Jo Smith/);
    expect(then.reduce(evolvePerson, given())).toEqual({
      status: 'forgotten',
      reason: 'Asked under UK GDPR article 17',
    });
  });

  it.each([
    ['a reviewer', reviewer],
    ['a viewer', viewer],
    ['an agency lead', lead],
  ])('is the coordinator’s alone, not %s’s', (_who, actor) => {
    thenError(() => decideForgetPerson(forget({ actor }), given()), 'forbidden', 'forbidden');
  });

  it('leaves someone another partnership on the service also has to the operator, since their key is one', () => {
    thenError(
      () => decideForgetPerson(forget({ knownElsewhere: true }), given()),
      'person-in-other-partnership',
      'conflict',
      'email',
    );
  });

  it('lets the system forget, when a retention period runs out, recorded as the system’s', () => {
    const system = { id: 'retention', partnershipId: 'lsp', role: 'system' as const };
    expect(decideForgetPerson(forget({ actor: system, reason: 'Retention period' }), given())).toEqual([
      { type: 'PersonForgotten', data: { personId: 'p-1', reason: 'Retention period' } },
    ]);
  });

  it('does not know someone who is none of the partnership’s people (404, as for another partnership’s)', () => {
    thenError(
      () => decideForgetPerson(forget({ knownAs: [] }), given()),
      'person-not-found',
      'not-found',
      'email',
    );
  });

  it.each([
    ['no reason', ''],
    ['a reason of spaces', '   '],
  ])('refuses %s, naming the field (422)', (_what, reason) => {
    thenError(
      () => decideForgetPerson(forget({ reason }), given()),
      'reason-required',
      'unprocessable',
      'reason',
    );
  });

  it.each([
    ['their name', 'Jo Smith asked us to'],
    ['their address in another case', 'Request from JO@police.example.org'],
  ])('refuses a reason that gives %s, since it is kept after they are forgotten', (_what, reason) => {
    thenError(
      () => decideForgetPerson(forget({ reason }), given()),
      'reason-names-person',
      'unprocessable',
      'reason',
    );
  });

  it('does not let a coordinator forget themselves (422 on the email): another coordinator must', () => {
    thenError(
      () => decideForgetPerson(forget({ isActor: true }), given()),
      'forget-self',
      'unprocessable',
      'email',
    );
  });

  it('forgets a person once', () => {
    const forgotten = given({ type: 'PersonForgotten', data: { personId: 'p-1', reason: 'left' } });
    thenError(() => decideForgetPerson(forget(), forgotten), 'person-forgotten', 'conflict');
  });
});
