export * from './problem-details.filter.js';
export * from './validation.js';
export * from './hostile-input.js';
export * from './fields.js';
export * from './actor.js';
export * from './if-match.js';
export * from './api-headers.js';
export * from './as-at.js';
