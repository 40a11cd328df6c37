export * from './secrets.js';
export * from './auth.service.js';
export * from './auth.middleware.js';
export * from './auth.module.js';
export { Auth1764000000300 } from './migrations/1764000000300-auth.js';
