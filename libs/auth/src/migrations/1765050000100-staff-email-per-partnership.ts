import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Staff emails are unique within a partnership, not across them: adding someone to one partnership must not
 * tell its coordinator that the address has an account in another. Existing rows already satisfy the new rule.
 */
export class StaffEmailPerPartnership1765050000100 implements MigrationInterface {
  name = 'StaffEmailPerPartnership1765050000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE UNIQUE INDEX staff_accounts_partnership_email ON staff_accounts (partnership_id, lower(email))`,
    );
    await q.query(`DROP INDEX staff_accounts_email`);
    // Sign-in and token minting look accounts up by email alone.
    await q.query(`CREATE INDEX staff_accounts_email ON staff_accounts (lower(email))`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Fails, as it must, once one email has accounts in two partnerships.
    await q.query(`DROP INDEX staff_accounts_email`);
    await q.query(`CREATE UNIQUE INDEX staff_accounts_email ON staff_accounts (lower(email))`);
    await q.query(`DROP INDEX staff_accounts_partnership_email`);
  }
}
