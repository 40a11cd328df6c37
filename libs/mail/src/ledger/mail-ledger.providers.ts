import { MailLeases } from './mail-leases.js';
import { MailLedgerService } from './mail-ledger.service.js';
import { OwedMails } from './owed-mails.js';

/** What a process that sends mail provides: the ledger, its leases and the record of mail owed. */
export const MAIL_LEDGER_PROVIDERS = [MailLeases, MailLedgerService, OwedMails];
