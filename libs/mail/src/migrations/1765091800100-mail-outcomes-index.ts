import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail outcomes /metrics counts at every scrape (libs/signals, mailCounts) are the ledgers' Sent and
 * DeliveryFailed events: a partial index on just those keeps the count from reading the whole log each time.
 * Its list of types is the one the query names; a new kind of mail adds its two types in a new migration.
 */
export class MailOutcomesIndex1765091800100 implements MigrationInterface {
  name = 'MailOutcomesIndex1765091800100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE INDEX events_mail_outcomes ON events (type)
      WHERE type IN ('ReminderSent', 'ReminderDeliveryFailed', 'NotificationSent', 'NotificationDeliveryFailed',
                     'LinkMailSent', 'LinkMailDeliveryFailed', 'PasswordMailSent', 'PasswordMailDeliveryFailed',
                     'DigestSent', 'DigestDeliveryFailed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP INDEX events_mail_outcomes');
  }
}
