import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GLIBC_MALLOC_SETTINGS } from '#monay/shared';
import { productionEnvironment, productionNodeFlags, startScriptOf } from './api-process';

const ROOT = resolve(__dirname, '..', '..');

describe('the node flags the apps are started with', () => {
  it('are those of package.json’s start scripts, and the Dockerfile’s CMD repeats start:prod’s', () => {
    const production = productionNodeFlags(ROOT, 'start:prod');
    expect(production).toEqual(['--max-semi-space-size=16', '--max-old-space-size=256']);
    expect(productionNodeFlags(ROOT, 'start:worker')).toEqual(production);
    // The embedded default keeps the smaller young generation: it shares its process with PGlite (400 MB target).
    expect(productionNodeFlags(ROOT, 'start')).toEqual([
      '--max-semi-space-size=8',
      '--max-old-space-size=256',
    ]);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...production, 'dist/apps/api/src/main.js']);
  });

  it('are plain `node …` commands (every shell runs them), and the Dockerfile sets glibc’s malloc settings', () => {
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    for (const script of ['start', 'start:prod', 'start:worker']) expect(scripts[script]).toMatch(/^node --/);
    expect(productionEnvironment()).toEqual(GLIBC_MALLOC_SETTINGS);
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    for (const [name, value] of Object.entries(GLIBC_MALLOC_SETTINGS))
      expect(dockerfile).toMatch(new RegExp(`^\\s+${name}=${value}\\b`, 'm'));
  });

  it('are start:prod’s for the API against PostgreSQL and start’s for the embedded default', () => {
    expect(startScriptOf('api', { DATABASE_URL: 'postgres://x/y' })).toBe('start:prod');
    expect(startScriptOf('api', {})).toBe('start');
    expect(startScriptOf('worker', { DATABASE_URL: 'postgres://x/y' })).toBe('start:worker');
  });
});
