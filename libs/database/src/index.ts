// The door of libs/database, the only way in for other libs, apps, scripts, benchmarks and tests:
// the DataSource options, opening (creating and migrating) a database, prepared queries, query timeouts.
export * from './database-url.js';
export * from './ensure-database.js';
export * from './data-source-options.js';
export * from './open-database.js';
export * from './database.module.js';
export * from './prepared-query.js';
export * from './backup.js';
export * from './marked-databases.js';
export * from './query-timed-out.js';
export * from './did-not-answer.js';
export * from './query-timeout.js';
export * from './stall-ending-client.js';
export * from './unrun-migrations.js';
export * from './returned-rows.js';
export * from './unfinished-restore.js';
