import { Logger } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { sizedSmtpUrl } from './smtp-url.js';

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
  html: string;
}

/** Sends through nodemailer over SMTP. Errors carry the SMTP response code so callers can tell 4xx from 5xx. */
export class MailSender {
  private readonly logger = new Logger('MailSender');
  private readonly transporter: Transporter;

  /** `connections`: how many mails may be sent at once (a pool's size unless SMTP_URL sets maxConnections). */
  constructor(
    smtpUrl: string,
    private readonly from: string,
    connections = 1,
  ) {
    this.transporter = createTransport(sizedSmtpUrl(smtpUrl, connections));
  }

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const info = await this.transporter.sendMail({ from: this.from, ...mail });
    this.logger.log(`sent "${mail.subject}" (${info.messageId})`);
    return { messageId: info.messageId };
  }

  close(): void {
    this.transporter.close();
  }
}
