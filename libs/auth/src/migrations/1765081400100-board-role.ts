import { MigrationInterface, QueryRunner } from 'typeorm';

/** Board members: the second stage of sign-off in two-stage cycles (they accept what reviewers approved). */
export class BoardRole1765081400100 implements MigrationInterface {
  name = 'BoardRole1765081400100';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE staff_accounts DROP CONSTRAINT staff_accounts_role_check');
    await q.query(
      `ALTER TABLE staff_accounts ADD CONSTRAINT staff_accounts_role_check
         CHECK (role IN ('coordinator', 'reviewer', 'board', 'viewer'))`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    // Going back leaves no account in a role the older release cannot read: board members become viewers.
    await q.query(`UPDATE staff_accounts SET role = 'viewer' WHERE role = 'board'`);
    await q.query('ALTER TABLE staff_accounts DROP CONSTRAINT staff_accounts_role_check');
    await q.query(
      `ALTER TABLE staff_accounts ADD CONSTRAINT staff_accounts_role_check
         CHECK (role IN ('coordinator', 'reviewer', 'viewer'))`,
    );
  }
}
