export * from './problem-details.filter.js';
export * from './validation.js';
export * from './actor.js';
export * from './if-match.js';
export * from './api-headers.js';
export * from './as-at.js';
