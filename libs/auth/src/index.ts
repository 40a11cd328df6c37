export * from './auth.service.js';
export * from './auth.middleware.js';
export * from './auth.module.js';
export * from './sign-in/throttled-sign-in.js';
export * from './throttle/attempt-throttle.js';
export * from './migrations.js';
export * from './submission-links/link-mail.reaction.js';
