import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Where evidence files' bytes live when PostgreSQL is the store (PostgresEvidenceStorage): one row per file,
 * written with its chunks in one transaction, and its bytes in chunks of about 256 KB so that no file is ever
 * read or written whole in memory. `stored_at` lets the sweep find bytes that no EvidenceAttached names.
 */
export class EvidenceStorage1765090000100 implements MigrationInterface {
  name = 'EvidenceStorage1765090000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE evidence_objects (
        storage_key text PRIMARY KEY,
        bytes bigint NOT NULL,
        sha256 text NOT NULL,
        stored_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE evidence_chunks (
        storage_key text NOT NULL REFERENCES evidence_objects (storage_key) ON DELETE CASCADE,
        seq integer NOT NULL,
        bytes bytea NOT NULL,
        PRIMARY KEY (storage_key, seq)
      )`);
    await q.query('CREATE INDEX evidence_objects_stored_at ON evidence_objects (stored_at)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE evidence_chunks');
    await q.query('DROP TABLE evidence_objects');
  }
}
