// The door of libs/chasing, the only way in for other libs, apps, scripts, benchmarks and tests:
// working days and send windows, chase schedules, chase-now, the chase and notice mails, the return-status read model.
export * from './migrations.js';
export * from './reactions.js';
export * from './return-status/return-status.read-model.js';
export * from './calendar/calendar.provider.js';
export * from './calendar/send-window.js';
export * from './calendar/working-days.js';
export * from './chase-agency/chase-agency.js';
export * from './chase-mail/send-chase-mail.js';
export * from './chase-now/chase-now.command.js';
export * from './chase-schedule/chase-schedule.query.js';
export * from './chases/chase-log.js';
export * from './chases/chases.query.js';
export * from './chase-snapshot/chase-snapshots.js';
export * from './chase/chase.events.js';
export * from './chasing.module.js';
export * from './cycle-returns.js';
export * from './notices/message-recipients.js';
export * from './notices/send-message-notice.js';
export * from './notices/send-return-notice.js';
export * from './return-status/return-status.projection.js';
export * from './scan/scan-for-chases.js';
