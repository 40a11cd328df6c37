import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../../../../libs/http/src/index.js';

/** Outside production with no SMTP_URL: the mail the embedded catcher kept, newest first. */
@ApiExcludeController()
@Controller('dev/mail')
@Public()
export class DevMailHttp {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  @Get()
  async list() {
    const rows: Record<string, unknown>[] = await this.dataSource.query(
      `SELECT id, received_at AS "receivedAt", mail_from AS "from", rcpt_to AS "to", subject, text_body AS "text"
       FROM dev_mail ORDER BY id DESC LIMIT 200`,
    );
    return { mail: rows };
  }
}
