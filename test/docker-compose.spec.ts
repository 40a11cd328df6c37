import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../libs/config/src/index.js';
import { dataSourceOptions } from '../libs/database/src/index.js';

const ROOT = join(__dirname, '..');

interface Service {
  image?: string;
  command?: string[];
  ports?: string[];
  container_name?: string;
  deploy?: { replicas?: number };
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
}

/**
 * docker-compose.yml runs several apis and workers (issue 18 point 8). No container engine is at hand here, so
 * this reads the file as Compose would and checks what scaling needs: replicas with no host port to clash, one
 * load balancer that finds every api replica, and PostgreSQL allowing the connections they all may open.
 */
describe('docker-compose.yml scales api and worker', () => {
  const compose = parse(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, Service>;
  };
  const { api, worker, lb, postgres } = compose.services;

  it('runs two or more of each, with no fixed host port or container name to clash when scaled', () => {
    for (const [name, service] of Object.entries({ api, worker })) {
      expect([name, service.deploy?.replicas ?? 1]).toEqual([name, expect.any(Number)]);
      expect(service.deploy!.replicas).toBeGreaterThanOrEqual(2);
      expect([name, service.ports, service.container_name]).toEqual([name, undefined, undefined]);
    }
  });

  it('puts a load balancer in front of every api replica, on the public address', () => {
    expect(lb.ports).toEqual(['${API_PORT:-3000}:3000']);
    expect(lb.depends_on?.api).toEqual({ condition: 'service_healthy' });
    // PUBLIC_BASE_URL (links in mail, the same-origin check) is the load balancer's address.
    expect(api.environment?.PUBLIC_BASE_URL).toBe('http://localhost:3000');
    // The sender comes from the shell; its fallback is one production refuses at start, naming MAIL_FROM.
    for (const service of [api, worker]) {
      const from = /^\$\{MAIL_FROM:-(.+)\}$/.exec(service.environment?.MAIL_FROM ?? '')![1];
      expect(() =>
        loadConfig({
          ...service.environment,
          MAIL_FROM: from,
          SESSION_SECRET: '9b41e07c2fd8a6531e0c4b7a98d2f6e3',
          TOKEN_PEPPER: 'f3a9c07d5e1b6482a0cd97e3b15f6a28',
        }),
      ).toThrow(/MAIL_FROM must be on a domain that receives mail in production/);
    }
    // The apis believe the load balancer's X-Forwarded-For, so throttles count clients, not the balancer.
    expect(api.environment?.TRUST_PROXY).toBe('uniquelocal');
    const mount = lb.volumes!.find((v) => v.endsWith(':/etc/nginx/nginx.conf:ro'))!;
    const file = join(ROOT, mount.split(':')[0]);
    expect(existsSync(file)).toBe(true);
    const nginx = readFileSync(file, 'utf8');
    // The api service's name resolved at run time through Docker's DNS (every replica, and again as they
    // change), not once at start.
    expect(nginx).toMatch(/resolver 127\.0\.0\.11 valid=\d+s/);
    expect(nginx).toMatch(/set \$api http:\/\/api:3000;\s*proxy_pass \$api;/);
    expect(nginx).toMatch(/listen 3000;/);
  });

  it('lets PostgreSQL take every connection the replicas may open, with room for one more of each', () => {
    const pool = (
      dataSourceOptions('postgres://x/y', { migrations: [], entities: [] }) as { extra: { max: number } }
    ).extra.max;
    const maxConnections = Number(/max_connections=(\d+)/.exec(postgres.command!.join(' '))![1]);
    // A worker adds its listening connection (wake-ups); PostgreSQL keeps 3 for superusers.
    const needed = (apis: number, workers: number) => apis * pool + workers * (pool + 1) + 3;
    expect(needed(api.deploy!.replicas! + 1, worker.deploy!.replicas! + 1)).toBeLessThanOrEqual(
      maxConnections,
    );
  });
});
