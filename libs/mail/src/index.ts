// The door of libs/mail, the only way in for other libs, apps, scripts, benchmarks and tests:
// the sender, the SMTP catcher, the mail ledger and the mail templates.
export * from './mail-sender.js';
export * from './smtp-catcher.js';
export * from './mail.module.js';
export * from './ledger/mail-ledger.events.js';
export * from './ledger/mail-ledger.js';
export * from './ledger/mail-leases.js';
export * from './ledger/mail-ledger.service.js';
export * from './ledger/owed-mails.js';
export * from './ledger/smtp-failure.js';
export * from './ledger/mail-ledger.providers.js';
export * from './migrations.js';
export * from './templates/chase-digest.js';
export * from './templates/digest.js';
export * from './templates/why-sent.js';
export * from './templates/escalation.js';
export * from './templates/coordinator-escalation.js';
export * from './templates/escape-html.js';
export * from './templates/outstanding-returns.js';
export * from './templates/return-message.js';
export * from './templates/return-sent-back.js';
export * from './templates/return-submitted.js';
export * from './templates/returns-requested.js';
