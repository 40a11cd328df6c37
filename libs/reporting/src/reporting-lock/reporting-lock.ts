import { EntityManager } from 'typeorm';

const TABLES_LOCK = 'reporting:tables';

/**
 * Serialises the writers of the reporting tables inside the caller's transaction. Incremental jobs share the
 * tables lock and take one lock per stream, so two jobs of one return never interleave their read and write;
 * a rebuild takes the tables lock alone, so it never meets a job half-way (and never deadlocks with one).
 */
export async function lockForJob(manager: EntityManager, streamId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared(hashtextextended($1, 0))`, [TABLES_LOCK]);
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [`reporting:${streamId}`]);
}

export async function lockForRebuild(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [TABLES_LOCK]);
}
