import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Password resets asked for and not yet issued, so that an api killed after answering loses none: the HMAC of the
 * address (keyed with TOKEN_PEPPER), never the address, and when. A row goes once its request is issued.
 */
export class ResetRequests1765240000100 implements MigrationInterface {
  name = 'ResetRequests1765240000100';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE reset_requests (
        request_id uuid NOT NULL,
        email_hmac text NOT NULL,
        requested_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT reset_requests_pkey PRIMARY KEY (request_id)
      )`);
    await q.query(`CREATE INDEX reset_requests_requested_at ON reset_requests (requested_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE reset_requests');
  }
}
