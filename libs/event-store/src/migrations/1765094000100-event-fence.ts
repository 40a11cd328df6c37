import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The fence subscribers read behind, for this database alone (see EventStore.readAll and the README's "The
 * fence and wake-ups"). It was the oldest transaction running anywhere on the server, so a long transaction in
 * another database held back every processor here. Now it is the oldest transaction of the caller's snapshot
 * that cannot be shown to belong to another database.
 *
 * Why that never skips an event: events only get the transaction id of a backend connected to this database
 * (PostgreSQL has no cross-database writes), and transaction ids are unique across the server. An id is left out
 * only when pg_stat_activity (or pg_prepared_xacts) names another database for that very id; anything unknown,
 * finished meanwhile or hidden counts as ours, which can only hold the fence lower. The status is read afresh
 * (pg_stat_clear_snapshot) after the caller's snapshot was taken, so a backend slot reused meanwhile carries an
 * id newer than that snapshot, which is not in it. STABLE, so pg_current_snapshot() is the calling query's own
 * snapshot: the one its rows of events are read with.
 */
export class EventFence1765094000100 implements MigrationInterface {
  name = 'EventFence1765094000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION event_fence() RETURNS xid8 LANGUAGE plpgsql STABLE AS $$
      BEGIN
        PERFORM pg_stat_clear_snapshot();
        RETURN (
          SELECT coalesce(min(running.xid), pg_snapshot_xmax(pg_current_snapshot()))
          FROM pg_snapshot_xip(pg_current_snapshot()) AS running(xid)
          WHERE NOT EXISTS (
              SELECT FROM pg_stat_activity a
              WHERE a.backend_xid = xid(running.xid) AND a.datname IS DISTINCT FROM current_database())
            AND NOT EXISTS (
              SELECT FROM pg_prepared_xacts p
              WHERE p.transaction = xid(running.xid) AND p.database <> current_database()));
      END
      $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION event_fence()');
  }
}
