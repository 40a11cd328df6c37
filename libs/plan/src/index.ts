// The door of libs/plan, the only way in for other libs, apps, scripts, benchmarks and tests:
// partnerships, agencies and plans: the plan file, its import, the plan's events and state.
export * from './plan-file.js';
export * from './parse-plan-file.js';
export * from './plan.events.js';
export * from './plan.state.js';
export * from './linkable-leads.js';
export * from './import-plan/import-plan.decide.js';
export * from './import-plan/import-plan.js';
export * from './import-plan/import-plan-file.js';
export * from './plan.repository.js';
export * from './plan.module.js';
export * from './edit-plan/recorded-plan-file.js';
export * from './edit-plan/plan-edit.js';
export { findIndicator, indicatorForm, indicatorKey } from './edit-plan/indicator-edit.js';
export * from './edit-plan/edit-plan.decide.js';
export * from './indicators/indicator.js';
export * from './indicators/suggest-rag.js';
export * from './indicators/figure-in-words.js';
