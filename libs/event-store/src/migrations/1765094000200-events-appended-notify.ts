import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Wake-ups: every statement that inserts events notifies `events_appended`, so processors listening (see
 * AppendWakeUps) read at once instead of at their next poll. A trigger, not the append code, so every way in
 * (append, appendMany, a script's INSERT) notifies alike. PostgreSQL delivers the notification only when the
 * transaction commits, and once per transaction however many statements sent it (the payload is always empty),
 * so a listener never reads before the events are there. Polling stays: a lost notification only costs a poll.
 * Dropped by EventsNotifiedAfterCommit1765220000000: the store notifies after the commit instead (AppendNotifier).
 */
export class EventsAppendedNotify1765094000200 implements MigrationInterface {
  name = 'EventsAppendedNotify1765094000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION notify_events_appended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('events_appended', '');
        RETURN NULL;
      END
      $$`);
    await q.query(`
      CREATE TRIGGER events_appended AFTER INSERT ON events
      FOR EACH STATEMENT EXECUTE FUNCTION notify_events_appended()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER events_appended ON events');
    await q.query('DROP FUNCTION notify_events_appended()');
  }
}
