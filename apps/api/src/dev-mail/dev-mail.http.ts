import { Controller, Get, Inject } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Public } from '../../../../libs/http/src/index.js';
import { DevMailbox } from './dev-mailbox.js';

/** Outside production with no SMTP_URL: the mail the embedded catcher kept, newest first. */
@ApiExcludeController()
@Controller('dev/mail')
@Public()
export class DevMailHttp {
  constructor(@Inject(DevMailbox) private readonly mailbox: DevMailbox) {}

  @Get()
  async list() {
    return { mail: await this.mailbox.list() };
  }
}
