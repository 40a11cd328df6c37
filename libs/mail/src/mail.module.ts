import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../config/src/index.js';
import { MailSender } from './mail-sender.js';
import { SmtpCatcher } from './smtp-catcher.js';

@Injectable()
class MailLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(MailSender) private readonly sender: MailSender,
    @Inject(SmtpCatcher) private readonly catcher: SmtpCatcher | null,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.sender.close();
    await this.catcher?.stop();
  }
}

/** Mail out: SMTP_URL when set, otherwise (outside production) the embedded catcher. */
@Global()
@Module({
  providers: [
    {
      provide: SmtpCatcher,
      inject: [APP_CONFIG, DataSource],
      useFactory: async (config: AppConfig, dataSource: DataSource) =>
        config.smtpUrl ? null : new SmtpCatcher(dataSource),
    },
    {
      provide: MailSender,
      inject: [APP_CONFIG, SmtpCatcher],
      useFactory: async (config: AppConfig, catcher: SmtpCatcher | null) => {
        const url = config.smtpUrl ?? (await catcher!.start());
        if (!config.smtpUrl)
          new Logger('Mail').log(`SMTP_URL unset: mail is caught in-process and listed at /dev/mail`);
        return new MailSender(url, config.mailFrom, config.mail.concurrency);
      },
    },
    MailLifecycle,
  ],
  exports: [MailSender],
})
export class MailModule {}
