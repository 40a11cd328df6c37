import { DataSource } from 'typeorm';
import { PlanState } from '../../../plan/src/index.js';
import { ReturnFacts } from '../../../returns/src/index.js';
import { DigestWindow } from './digest-window.js';

/** Where an event of a digest's window sits in the log. */
export interface WindowEventRow {
  global_position: string;
  stream_id: string;
  version: number;
  recorded_at: Date;
}

/** The events of one type recorded in a window, in log order (the events table is indexed by recorded_at). */
export function eventsRecordedIn(
  dataSource: DataSource,
  type: 'ReturnSubmitted' | 'ReturnMessagePosted',
  window: DigestWindow,
): Promise<WindowEventRow[]> {
  return dataSource.query(
    `SELECT global_position, stream_id, version, recorded_at FROM events
     WHERE recorded_at >= $1 AND recorded_at < $2 AND type = $3
     ORDER BY global_position`,
    [window.start.toISOString(), window.end.toISOString(), type],
  );
}

/** How a digest names a return's measure and theme, from the plan (the ids where the plan is not adopted). */
export function measureWords(
  plan: PlanState,
  ret: Pick<ReturnFacts, 'measureRef' | 'themeId'>,
): { measureRef: string; measureText: string; themeTitle: string } {
  const adopted = plan.status === 'adopted' ? plan : undefined;
  return {
    measureRef: ret.measureRef,
    measureText: adopted?.measures.get(ret.measureRef)?.text ?? '',
    themeTitle: adopted?.themes.get(ret.themeId)?.title ?? ret.themeId,
  };
}

/** Who a notification ledger shows was mailed at once (claimed or sent) under one key. */
export function notifiedUnder(events: readonly { type: string; data: unknown }[], key: string): string[] {
  return events
    .filter((e) => e.type === 'NotificationClaimed' || e.type === 'NotificationSent')
    .map((e) => e.data as { key: string; recipient: string })
    .filter((d) => d.key === key)
    .map((d) => d.recipient);
}
