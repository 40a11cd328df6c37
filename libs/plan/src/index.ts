export * from './plan-file.js';
export * from './parse-plan-file.js';
export * from './plan.events.js';
export * from './plan.state.js';
export * from './import-plan/import-plan.decide.js';
export * from './import-plan/import-plan.js';
export * from './plan.repository.js';
