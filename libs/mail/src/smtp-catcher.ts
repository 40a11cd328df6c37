import { Logger } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';

/**
 * A real SMTP server inside the process, for development without a mail server: it accepts every message on
 * 127.0.0.1 and keeps it in PostgreSQL, where the api lists it at /dev/mail whichever process sent it.
 */
export class SmtpCatcher {
  private readonly logger = new Logger('SmtpCatcher');
  private server: SMTPServer | null = null;
  private stored = 0;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Messages this catcher received and stored since it started: not the rows of dev_mail, which may hold mail
   * caught before (restored with a database, say).
   */
  get received(): number {
    return this.stored;
  }

  async start(port = 0): Promise<string> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, session, callback) => {
        simpleParser(stream)
          .then((mail) =>
            this.dataSource.query(
              `INSERT INTO dev_mail (message_id, mail_from, rcpt_to, subject, text_body, html_body)
               VALUES ($1, $2, $3, $4, $5, $6)`,
              [
                mail.messageId ?? null,
                session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
                session.envelope.rcptTo.map((r) => r.address),
                mail.subject ?? '',
                mail.text ?? null,
                typeof mail.html === 'string' ? mail.html : null,
              ],
            ),
          )
          .then(() => {
            this.stored++;
            callback();
          }, callback);
      },
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    // A sender that drops its connection must not take the whole process down with an unheard 'error' event.
    server.on('error', (error: Error) => this.logger.warn(`SMTP catcher: ${error.message}`));
    this.server = server;
    const { port: bound } = server.server.address() as AddressInfo;
    return `smtp://127.0.0.1:${bound}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
