import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The mail the embedded catcher kept (the dev_mail table), newest first, at most 200. */
@Injectable()
export class DevMailbox {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  list(): Promise<Record<string, unknown>[]> {
    return this.dataSource.query(
      `SELECT id, received_at AS "receivedAt", mail_from AS "from", rcpt_to AS "to", subject, text_body AS "text"
       FROM dev_mail ORDER BY id DESC LIMIT 200`,
    );
  }
}
