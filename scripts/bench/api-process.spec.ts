import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { productionNodeFlags } from './api-process';

const ROOT = resolve(__dirname, '..', '..');

describe('the node flags production starts the apps with', () => {
  it('are those of package.json’s start scripts, and the Dockerfile’s CMD repeats the API’s', () => {
    const api = productionNodeFlags(ROOT, 'api');
    expect(api).toEqual(['--max-semi-space-size=8', '--max-old-space-size=256']);
    expect(productionNodeFlags(ROOT, 'worker')).toEqual(api);
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(ROOT, 'Dockerfile'), 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? '[]')).toEqual(['node', ...api, 'dist/apps/api/src/main.js']);
  });
});
