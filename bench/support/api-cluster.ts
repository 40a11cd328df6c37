/**
 * The api as several processes on one port, for the http bench's scaling rows (issue 18.5), with the product
 * unchanged: node:cluster forks API_PROCESSES copies of dist/apps/api/src/main.js, which share PORT through this
 * primary (it hands out connections round robin). Each inherits this process's environment, so all of them use
 * the same DATABASE_URL, REDIS_URL, QUEUE_PREFIX, SESSION_SECRET and TOKEN_PEPPER and accept each other's sessions
 * and tokens.
 *
 * The api's /health/ready answers as soon as any one copy listens; a run started then would measure fewer
 * processes than it says. So the primary opens CLUSTER_READY_PORT only once every copy listens, and the bench
 * waits for that instead.
 *
 * Environment: as the api's, plus API_PROCESSES (2) and CLUSTER_READY_PORT.
 */
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { join } from 'node:path';

const processes = Number(process.env.API_PROCESSES ?? 2);
const readyPort = Number(process.env.CLUSTER_READY_PORT);
if (!Number.isInteger(processes) || processes < 1 || !Number.isInteger(readyPort)) {
  throw new Error('API_PROCESSES must be a positive integer and CLUSTER_READY_PORT a port');
}
let listening = 0;
let alive = processes;
let stopping = false;
let exitCode = 0;

function stop(code: number): void {
  exitCode ||= code;
  if (stopping) return;
  stopping = true;
  for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
}

cluster.setupPrimary({ exec: join(__dirname, '..', '..', 'apps', 'api', 'src', 'main.js') });
cluster.on('listening', () => {
  if (++listening === processes) {
    createServer((_request, response) => response.end('ready')).listen(readyPort, '127.0.0.1');
  }
});
cluster.on('exit', (worker, code, signal) => {
  if (!stopping) {
    // With one copy gone the rest would be measured as all of them: end the run instead.
    console.error(`api process ${worker.process.pid} exited (${signal ?? code}); stopping the others`);
    stop(1);
  }
  if (--alive === 0) process.exit(exitCode);
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => stop(0));
for (let i = 0; i < processes; i++) cluster.fork();
