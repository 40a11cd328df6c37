import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_NODE_FLAGS } from './api-node-flags';

const root = join(__dirname, '..', '..', '..');

describe('the api runs with its V8 flags everywhere it is started', () => {
  it('in the image: the api stage starts node with them before the entry point', () => {
    const dockerfile = readFileSync(join(root, 'infra', 'Dockerfile'), 'utf8');
    const apiStage = dockerfile.slice(dockerfile.indexOf('AS api'));
    const cmd = /^CMD (\[.*\])$/m.exec(apiStage)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(['node', ...API_NODE_FLAGS, 'dist/apps/api/src/main.js']);
  });

  it('with npm run start:api', () => {
    const scripts = (
      JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts['start:api']).toBe(['node', ...API_NODE_FLAGS, 'dist/apps/api/src/main.js'].join(' '));
  });
});
