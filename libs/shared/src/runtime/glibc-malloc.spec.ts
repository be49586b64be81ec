import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModuleKind, transpileModule } from 'typescript';
import { GLIBC_MALLOC_SETTINGS, needsMallocRestart } from './glibc-malloc-settings';

describe('glibc’s malloc settings', () => {
  it('are two arenas trimmed past 1 MB free', () => {
    expect(GLIBC_MALLOC_SETTINGS).toEqual({ MALLOC_ARENA_MAX: '2', MALLOC_TRIM_THRESHOLD_: '1048576' });
  });

  it('restart a process only on Linux, with neither variable set and no IPC channel', () => {
    expect(needsMallocRestart('linux', {})).toBe(true);
    expect(needsMallocRestart('win32', {})).toBe(false);
    expect(needsMallocRestart('darwin', {})).toBe(false);
    expect(needsMallocRestart('linux', { MALLOC_ARENA_MAX: '8' })).toBe(false);
    expect(needsMallocRestart('linux', { MALLOC_TRIM_THRESHOLD_: '0' })).toBe(false);
    expect(needsMallocRestart('linux', { NODE_CHANNEL_FD: '3' })).toBe(false);
  });

  describe('an app process that imports #monay/glibc-malloc first', () => {
    let dir: string;
    beforeAll(() => {
      // The module as the build emits it (CommonJS), and an entry that reports what it runs with.
      dir = mkdtempSync(join(tmpdir(), 'glibc-malloc-'));
      for (const name of ['glibc-malloc', 'glibc-malloc-settings']) {
        const source = readFileSync(join(__dirname, `${name}.ts`), 'utf8');
        const { outputText } = transpileModule(source, { compilerOptions: { module: ModuleKind.CommonJS } });
        writeFileSync(join(dir, `${name}.js`), outputText);
      }
      writeFileSync(
        join(dir, 'main.js'),
        `require('./glibc-malloc');
         const { MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_ } = process.env;
         console.log(JSON.stringify({ pid: process.pid, MALLOC_ARENA_MAX, MALLOC_TRIM_THRESHOLD_,
           cmdline: process.platform === 'linux'
             ? require('fs').readFileSync('/proc/self/cmdline', 'utf8').split('\\0').slice(0, -1) : null,
           execArgv: process.execArgv, args: process.argv.slice(2) }));`,
      );
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    function run(env: NodeJS.ProcessEnv) {
      const child = spawnSync(process.execPath, ['--max-old-space-size=200', 'main.js', 'a', 'b c'], {
        cwd: dir,
        env,
        encoding: 'utf8',
        argv0: 'node',
      });
      expect(child.stderr).toBe('');
      const lines = child.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      return { pid: child.pid, seen: JSON.parse(lines[0]) as Record<string, unknown> };
    }

    const bare = { ...process.env };
    for (const name of [...Object.keys(GLIBC_MALLOC_SETTINGS), 'NODE_CHANNEL_FD', 'NODE_OPTIONS'])
      delete bare[name];

    it('runs with them on Linux, as the same process with the command line it was given; elsewhere as started', () => {
      const { pid, seen } = run(bare);
      expect(seen).toMatchObject({ pid, execArgv: ['--max-old-space-size=200'], args: ['a', 'b c'] });
      if (process.platform === 'linux') {
        expect(seen).toMatchObject({
          ...GLIBC_MALLOC_SETTINGS,
          cmdline: ['node', '--max-old-space-size=200', 'main.js', 'a', 'b c'],
        });
      } else {
        expect(seen).toMatchObject({ MALLOC_ARENA_MAX: undefined, MALLOC_TRIM_THRESHOLD_: undefined });
      }
    });

    it('keeps an operator’s own setting, without restarting', () => {
      const { pid, seen } = run({ ...bare, MALLOC_ARENA_MAX: '4' });
      expect(seen).toMatchObject({ pid, MALLOC_ARENA_MAX: '4', args: ['a', 'b c'] });
      expect(seen.MALLOC_TRIM_THRESHOLD_).toBeUndefined();
    });
  });
});
