/**
 * How many people sign a return off in a cycle. One stage: the reviewer's approval is final. Two stages: after a
 * reviewer approves, a second person (coordinator or board) accepts it before the report shows it.
 */
export type SignOff = 'one-stage' | 'two-stage';

export const SIGN_OFFS: readonly SignOff[] = ['one-stage', 'two-stage'];

/** What a stored event says, read safely: events from before the choice existed carry none (one stage). */
export const signOffOf = (stored: unknown): SignOff => (stored === 'two-stage' ? 'two-stage' : 'one-stage');
