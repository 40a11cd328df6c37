import { englandAndWales, WorkingCalendar } from './working-days.js';

/** The working calendar chasing counts days in: England and Wales, the partnerships this serves. */
export const WORKING_CALENDAR = Symbol('WORKING_CALENDAR');

export const workingCalendarProvider = {
  provide: WORKING_CALENDAR,
  useFactory: (): WorkingCalendar => englandAndWales(),
};
