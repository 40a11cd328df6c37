import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Finds a partnership's cycles and plans from the events that started them (see PartnershipIndex), without
 * reading every event: a partial expression index over just those two event types.
 */
export class EventsByPartnership1764000000500 implements MigrationInterface {
  name = 'EventsByPartnership1764000000500';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX events_started_by_partnership ON events ((data->>'partnershipId'), type, global_position)
      WHERE type IN ('CycleDrafted', 'PlanAdopted')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_started_by_partnership');
  }
}
