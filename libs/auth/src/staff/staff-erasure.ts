import { Global, Module } from '@nestjs/common';
import type { KeySql } from '../../../event-store/src/index.js';
import { STAFF_ERASURE, StaffErasure, StaffKnownAs } from '../../../returns/src/index.js';

/**
 * Forgetting a member of staff, for "Forget this person" (returns). Their account is deleted rather than blanked:
 * its sessions, API tokens and reset links go with it (ON DELETE CASCADE), nobody can sign in as them again, and
 * what they did stays in the log under their sealed address, which reads [erased] once their key is gone.
 */
export class StaffAccountErasure implements StaffErasure {
  async named(sql: KeySql, partnershipId: string, email: string): Promise<StaffKnownAs | null> {
    const rows: { staff_id: string; name: string; email: string }[] = await sql.query(
      `SELECT staff_id, name, email FROM staff_accounts WHERE partnership_id = $1 AND lower(email) = lower($2)`,
      [partnershipId, email.trim()],
    );
    return rows[0] ? { staffId: rows[0].staff_id, name: rows[0].name, email: rows[0].email } : null;
  }

  async erase(sql: KeySql, staffId: string): Promise<void> {
    await sql.query(`DELETE FROM staff_accounts WHERE staff_id = $1`, [staffId]);
  }
}

/** Global, so the returns layer's forget handler finds the port wherever auth is loaded (the api). */
@Global()
@Module({
  providers: [{ provide: STAFF_ERASURE, useClass: StaffAccountErasure }],
  exports: [STAFF_ERASURE],
})
export class StaffErasureModule {}
