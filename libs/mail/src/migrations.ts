import { DevMail1764000000200 } from './migrations/1764000000200-dev-mail.js';
import { MailLedger1765030000100 } from './migrations/1765030000100-mail-ledger.js';
import { MailOutcomesIndex1765091800100 } from './migrations/1765091800100-mail-outcomes-index.js';

/** The mail lib's migrations, in the order they were written; the apps compose every lib's list (apps/composition). */
export const MAIL_MIGRATIONS = [
  DevMail1764000000200,
  MailLedger1765030000100,
  MailOutcomesIndex1765091800100,
];
