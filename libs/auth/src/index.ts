// The door of libs/auth, the only way in for other libs, apps, scripts, benchmarks and tests:
// staff sign-in, sessions and API tokens, submission links, throttles.
export * from './auth.service.js';
export * from './auth.middleware.js';
export * from './auth.module.js';
export * from './sign-in/throttled-sign-in.js';
export * from './throttle/attempt-throttle.js';
export * from './migrations.js';
export * from './submission-links/link-mail.reaction.js';
export * from './sign-in/sign-in.http.js';
export * from './submission-links/links-admin.service.js';
export * from './submission-links/send-link-mail.js';
export * from './throttle/throttle-rules.js';
export * from './staff/staff-account.entity.js';
export * from './tokens/api-token.entity.js';
export * from './sessions/session.entity.js';
export * from './staff/staff-names.query.js';
export * from './request-new-link/request-new-link.service.js';
export * from './passwords/password-rules.js';
export * from './passwords/password-hashing.js';
export * from './passwords/password-token.js';
export * from './passwords/passwords.service.js';
export * from './staff/staff-directory.js';
export * from './single-sign-on/single-sign-on.js';
export * from './single-sign-on/single-sign-on.query.js';
export * from './single-sign-on/provider-sign-in.js';
export * from './single-sign-on/sign-on-cookie.js';
export * from './single-sign-on/configure-single-sign-on.command.js';
