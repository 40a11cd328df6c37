import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '../../../config/src/index.js';
import { Clock, issuedPasswordToken } from '../../../kernel/src/index.js';
import { DeliveryResult, MailLedgerService, MailSender } from '../../../mail/src/index.js';
import { PasswordMailJob } from '../../../queues/src/index.js';
import { passwordMail } from './password-mail.js';
import { PasswordTokenPurpose, TOKEN_LIFETIME_MINUTES } from './password-token.js';

/** The mail ledger's stream of one set-password link's mail (its name since the api sent these mails). */
export const passwordMailStreamId = (tokenId: string) => `password-mail:${tokenId}`;

export type PasswordMailOutcome = DeliveryResult | { outcome: 'not-owed'; why: string };

/** "7 days", "1 hour": how long a link works, as the mail says it. */
function lifetimeInWords(purpose: PasswordTokenPurpose): string {
  const minutes = TOKEN_LIFETIME_MINUTES[purpose];
  return minutes >= 1440 ? `${minutes / 1440} days` : `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
}

/**
 * The mail that carries a set-password link (an invitation, a reset), sent by the worker once through the mail
 * ledger, named by the token's id. The job holds the id only; the token is re-derived with TOKEN_PEPPER and
 * checked against the hash the api stored, so a mail sent twice (a worker killed between the SMTP server's 250
 * and the ledger's record) carries the same working link, where a token minted at each send would have made the
 * first mail's link stop working. A link that can no longer be used is owed no mail.
 */
@Injectable()
export class SendPasswordMail {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(MailLedgerService) private readonly ledger: MailLedgerService,
    @Inject(MailSender) private readonly mail: MailSender,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(job: PasswordMailJob, willRetry: boolean): Promise<PasswordMailOutcome> {
    const rows: {
      token_hash: string;
      purpose: PasswordTokenPurpose;
      expires_at: Date;
      used_at: Date | null;
      email: string;
      name: string;
      disabled_at: Date | null;
    }[] = await this.dataSource.query(
      `SELECT t.token_hash, t.purpose, t.expires_at, t.used_at, a.email, a.name, a.disabled_at
         FROM password_tokens t JOIN staff_accounts a USING (staff_id)
        WHERE t.token_id = $1`,
      [job.tokenId],
    );
    const token = rows[0];
    // The account erased, deactivated, or its link spent or replaced by a newer one (whose own mail is owed):
    // this mail would only offer a link that says "no longer works".
    if (!token) return { outcome: 'not-owed', why: 'no such link' };
    if (token.disabled_at) return { outcome: 'not-owed', why: 'account deactivated' };
    if (token.used_at) return { outcome: 'not-owed', why: 'link used or replaced' };
    if (token.expires_at.getTime() <= this.clock.now().getTime())
      return { outcome: 'not-owed', why: 'link expired' };
    const secret = issuedPasswordToken(this.config.tokenPepper, job.tokenId, token.token_hash);
    const mail = passwordMail({
      to: token.email,
      name: token.name,
      purpose: token.purpose,
      link: `${this.config.publicBaseUrl}/account/set-password/${secret}`,
      expiresIn: lifetimeInWords(token.purpose),
    });
    return this.ledger.deliverOnce(
      {
        streamId: passwordMailStreamId(job.tokenId),
        prefix: 'PasswordMail',
        key: job.tokenId,
        recipient: token.email,
        willRetry,
        send: (stillWanted) => this.mail.send(mail, stillWanted),
      },
      `password-mail-${job.tokenId}`,
    );
  }
}
