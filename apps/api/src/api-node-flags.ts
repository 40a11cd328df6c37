/**
 * The V8 flags the api runs with: in the image (infra/Dockerfile), `npm run start:api` and the benchmarks' api,
 * so what the benchmarks measure is what runs (api-node-flags.spec.ts holds the three together).
 *
 * V8 sizes the young generation from the machine's memory: on a 24 GiB host each semi-space may grow to tens of
 * megabytes, and a request that makes much short-lived garbage (a 5,000-measure report as JSON or XLSX) leaves
 * the process holding all of it. Capped at 8 MB, the api's peak for that report went from 540 MB to 393 MB with
 * the XLSX no slower (bench/report.bench.ts, 2026-12-04); the api's requests are many and small, so the more
 * frequent scavenges cost little.
 */
export const API_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=8'];
