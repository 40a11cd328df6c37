// The shared kernel: the few shapes and rules every layer speaks. It imports no other lib.
export * from './domain-error.js';
export * from './roles.js';
export * from './command-envelope.js';
export * from './ids.js';
export * from './cycle-id.js';
export * from './calendar-date.js';
export * from './storable-text.js';
export * from './clock.js';
export * from './chase-policy.js';
export * from './secrets.js';
export * from './in-words.js';
export * from './spreadsheet-formula.js';
export * from './path-tokens.js';
export * from './within.js';
