/**
 * Imported first by each app's main.ts. glibc reads its malloc settings ({@link GLIBC_MALLOC_SETTINGS}) from the
 * environment when a process starts, so a process started without them replaces itself (`process.execve`: the same
 * pid, command line and standard streams) by one started with them, before it has loaded anything else. The start
 * scripts are then plain `node …` commands, which every shell runs: a `NAME=value node …` prefix is POSIX-only, and
 * npm runs scripts through cmd.exe on Windows.
 *
 * Nothing happens off Linux (no glibc), where either variable is set, on a Node without `process.execve` (before
 * 22.15), or with an IPC channel ({@link needsMallocRestart}). On a Linux without glibc (musl) the variables are
 * ignored and the restart costs one Node start-up, about 40 ms.
 */
import { readFileSync } from 'node:fs';
import { GLIBC_MALLOC_SETTINGS, needsMallocRestart } from './glibc-malloc-settings';

const { execve } = process;
if (execve && needsMallocRestart(process.platform, process.env)) {
  // The command line as it was given (Node resolves the script's path in process.argv), so the process looks the same
  // to ps and pgrep after the restart.
  const argv = readFileSync('/proc/self/cmdline', 'utf8').split('\0').slice(0, -1);
  execve(process.execPath, argv, { ...process.env, ...GLIBC_MALLOC_SETTINGS });
}
