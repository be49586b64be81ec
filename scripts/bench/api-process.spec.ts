import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { productionEnvironment, productionNodeFlags } from './api-process';

const ROOT = resolve(__dirname, '..', '..');

describe('the node flags production starts the apps with', () => {
  it('are those of package.json’s start scripts, and the Dockerfile’s CMD repeats the API’s', () => {
    const api = productionNodeFlags(ROOT, 'api');
    expect(api).toEqual(['--max-semi-space-size=8', '--max-old-space-size=256']);
    expect(productionNodeFlags(ROOT, 'worker')).toEqual(api);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...api, 'dist/apps/api/src/main.js']);
  });

  it('set glibc’s malloc to two arenas trimmed past 1 MB free, in package.json’s start scripts and the Dockerfile', () => {
    const env = productionEnvironment(ROOT, 'api');
    expect(env).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '1048576' });
    expect(productionEnvironment(ROOT, 'worker')).toEqual(env);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const [name, value] of Object.entries(env))
      expect(dockerfile).toMatch(new RegExp(`^\\s+${name}=${value}\\b`, 'm'));
  });
});
