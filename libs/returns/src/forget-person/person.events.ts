/**
 * Events of a person's own stream, `person:<personId>` (the id in personal_keys). It holds no name or address:
 * forgetting someone is recorded by who they were to the log (their id), why, and by whom (the metadata).
 */
export type PersonEvent = { type: 'PersonForgotten'; data: { personId: string; reason: string } };

export const personStreamId = (personId: string) => `person:${personId}`;

export type PersonState = { status: 'known' } | { status: 'forgotten'; reason: string };

export const initialPerson = (): PersonState => ({ status: 'known' });

export function evolvePerson(state: PersonState, event: PersonEvent): PersonState {
  switch (event.type) {
    case 'PersonForgotten':
      return { status: 'forgotten', reason: event.data.reason };
    default: {
      const unhandled: never = event.type;
      return unhandled;
    }
  }
}
