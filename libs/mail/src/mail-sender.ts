import { Logger } from '@nestjs/common';
import { createTransport, Transporter } from 'nodemailer';
import { sizedSmtpUrl } from './smtp-url.js';

export interface OutgoingMail {
  to: string | string[];
  subject: string;
  text: string;
  html: string;
}

/** A mail not sent because its batch said, when a connection came free, that it no longer wanted it sent. */
export class MailHeldBack extends Error {
  override readonly name = 'MailHeldBack';
  constructor() {
    super('not sent: its batch stopped sending (its outcomes could not be recorded)');
  }
}

/** Sends through nodemailer over SMTP. Errors carry the SMTP response code so callers can tell 4xx from 5xx. */
export class MailSender {
  private readonly logger = new Logger('MailSender');
  private readonly transporter: Transporter;
  /** Sends under way, and those waiting for one to end: a batch of mails never opens more than `connections`. */
  private sending = 0;
  private readonly waiting: (() => void)[] = [];

  /** `connections`: how many mails may be sent at once (a pool's size unless SMTP_URL sets maxConnections). */
  constructor(
    smtpUrl: string,
    private readonly from: string,
    private readonly connections = 1,
  ) {
    this.transporter = createTransport(sizedSmtpUrl(smtpUrl, connections));
  }

  /**
   * Sends the mail once a connection is free; `stillWanted`, asked then, may hold it back (MailHeldBack): a batch
   * whose records can no longer be written stops sending what it could not record.
   */
  async send(mail: OutgoingMail, stillWanted?: () => boolean): Promise<{ messageId: string }> {
    // A send that ends hands its place straight to the next waiting, so no newcomer slips in between.
    if (this.sending >= this.connections) await new Promise<void>((r) => this.waiting.push(r));
    else this.sending += 1;
    let info: { messageId: string };
    try {
      if (stillWanted && !stillWanted()) throw new MailHeldBack();
      info = await this.transporter.sendMail({ from: this.from, ...mail });
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.sending -= 1;
    }
    this.logger.log(`sent "${mail.subject}" (${info.messageId})`);
    return { messageId: info.messageId };
  }

  close(): void {
    this.transporter.close();
  }
}
