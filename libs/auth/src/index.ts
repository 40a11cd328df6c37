export * from './auth.service.js';
export * from './auth.middleware.js';
export * from './auth.module.js';
export * from './sign-in/throttled-sign-in.js';
export * from './throttle/attempt-throttle.js';
export { Auth1764000000300 } from './migrations/1764000000300-auth.js';
export { AttemptThrottles1765040000100 } from './migrations/1765040000100-attempt-throttles.js';
