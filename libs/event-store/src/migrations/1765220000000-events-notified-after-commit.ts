import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The events table's NOTIFY trigger goes: the event store now notifies after the commit (AppendNotifier), since a
 * NOTIFY inside the appending transaction made concurrent appenders commit one at a time. An INSERT into events
 * by hand (psql, a script) no longer wakes the processors; their polling finds it.
 */
export class EventsNotifiedAfterCommit1765220000000 implements MigrationInterface {
  name = 'EventsNotifiedAfterCommit1765220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('DROP TRIGGER IF EXISTS events_appended ON events');
    await q.query('DROP FUNCTION IF EXISTS notify_events_appended()');
  }

  async down(q: QueryRunner): Promise<void> {
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
}
