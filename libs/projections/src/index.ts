export * from './read-model.js';
export * from './progress-bar.js';
export * from './rebuild-read-models.js';
