export * from './migrations.js';
export * from './reactions.js';
export * from './reporting-read-model.js';
