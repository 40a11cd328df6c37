export * from './migrations.js';
export * from './reactions.js';
export * from './return-status/return-status.read-model.js';
