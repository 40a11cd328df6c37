import { ChaseEvent } from './chase.events.js';

/**
 * One agency's chase stream in one cycle, as deciding needs it: the steps already recorded (each is recorded
 * once) and the version the next append expects, so two deciders racing on the same stream cannot both record.
 */
export interface ChaseState {
  chasedSteps: ReadonlySet<string>;
  /** The stream's last version, the mail ledger's events included; 0 while the stream is empty. */
  version: number;
}

export const initialChase = (): ChaseState => ({ chasedSteps: new Set(), version: 0 });

export function evolveChase(state: ChaseState, event: ChaseEvent & { version: number }): ChaseState {
  switch (event.type) {
    case 'AgencyChased':
      return { chasedSteps: new Set(state.chasedSteps).add(event.data.step), version: event.version };
    // A request is recorded as a step only once a chase job decides it (step `now-<version>`); an escalation
    // and the mail ledger's events say nothing new about which steps were chased. All of them move the version.
    case 'ChaseRequested':
    case 'ReturnEscalated':
    case 'ReminderClaimed':
    case 'ReminderSent':
    case 'ReminderDeliveryFailed':
      return { ...state, version: event.version };
    default: {
      const unhandled: never = event;
      return { ...state, version: (unhandled as { version: number }).version };
    }
  }
}

/** A chase stream as read from the store, folded from the start. */
export function foldChaseEvents(
  events: readonly { type: string; data: unknown; version: number }[],
): ChaseState {
  return events.reduce(
    (state, e) => evolveChase(state, { type: e.type, data: e.data, version: e.version } as never),
    initialChase(),
  );
}
