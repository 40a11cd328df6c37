import { MigrationInterface, QueryRunner } from 'typeorm';

/** Mail kept by the embedded SMTP catcher outside production, listed at /dev/mail. */
export class DevMail1764000000200 implements MigrationInterface {
  name = 'DevMail1764000000200';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dev_mail (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now(),
        message_id text,
        mail_from text NOT NULL,
        rcpt_to text[] NOT NULL,
        subject text NOT NULL,
        text_body text,
        html_body text
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE dev_mail');
  }
}
