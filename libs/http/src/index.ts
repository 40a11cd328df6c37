// The door of libs/http, the only way in for other libs, apps, scripts, benchmarks and tests:
// the HTTP edge: problem+json and error pages (a domain error's status is decided here), validation, actors,
// If-Match, idempotency, who may use a route (@Roles, @Public, the RolesGuard).
export * from './problem-details.filter.js';
export * from './validation.js';
export * from './hostile-input.js';
export * from './client-errors.js';
export * from './fields.js';
export * from './actor.js';
export * from './if-match.js';
export * from './api-headers.js';
export * from './as-at.js';
export * from './domain-error-status.js';
export * from './page-error.filter.js';
export * from './migrations.js';
export * from './idempotency/idempotency.interceptor.js';
export * from './idempotency/idempotency.module.js';
export * from './roles.js';
export * from './roles.guard.js';
export * from './file-upload.js';
export * from './streamed-upload.js';
export * from './query-text.js';
export * from './page-messages.js';
export * from './database-unavailable.js';
export * from './text-cookies.js';
export * from './typed-fields.js';
