// The door of libs/chasing, the only way in for other libs, apps, scripts, benchmarks and tests:
// working days and send windows, chase schedules, chase-now, the chase and notice mails, the return-status read model,
// staff mail preferences and the digests of submissions.
export * from './migrations.js';
export * from './reactions.js';
export * from './return-status/return-status.read-model.js';
export * from './calendar/calendar.provider.js';
export * from './calendar/send-window.js';
export * from './calendar/working-days.js';
export * from './chase-agency/chase-agency.js';
export * from './chase-mail/send-chase-mail.js';
export * from './escalation-mail/send-escalation-mail.js';
export * from './chase-now/chase-now.command.js';
export * from './chase-schedule/chase-schedule.query.js';
export * from './chases/chase-log.js';
export * from './chases/chases.query.js';
export * from './chase-snapshot/chase-snapshots.js';
export * from './chase/chase.events.js';
export * from './chasing.module.js';
export * from './cycle-returns.js';
export * from './notices/message-delivery.js';
export * from './notices/message-mail-plan.js';
export * from './notices/message-recipients.js';
export * from './notices/send-message-notice.js';
export * from './notices/send-return-notice.js';
export * from './return-status/return-status.projection.js';
export * from './scan/scan-for-chases.js';
export * from './digests/digest-readers.js';
export * from './digests/digest-window.js';
export * from './digests/scan-for-digests.js';
export * from './digests/send-digests.js';
export * from './digests/digest.decide.js';
export * from './digests/staff-mail-urls.js';
export * from './digests/window-submissions.js';
export * from './digests/window-messages.js';
export * from './mail-preferences/mail-preference.js';
export * from './mail-preferences/mail-preferences.command.js';
export * from './mail-preferences/mail-preferences.query.js';
