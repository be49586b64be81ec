/**
 * glibc's malloc settings for the apps' processes: two arenas, trimmed past 1 MB free (README, Performance: the
 * embedded default under load 367 MB with them against 442–447 MB without). An app's process gives them to itself
 * at start (`#monay/glibc-malloc`); the Dockerfile sets them in its ENV.
 */
export const GLIBC_MALLOC_SETTINGS: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_TRIM_THRESHOLD_: '1048576',
};

/**
 * Whether a process must restart to have {@link GLIBC_MALLOC_SETTINGS}: on Linux, neither variable set already (the
 * operator's choice wins), and no IPC channel (a `fork`ed process's would not survive).
 */
export function needsMallocRestart(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return (
    platform === 'linux' &&
    env.NODE_CHANNEL_FD === undefined &&
    Object.keys(GLIBC_MALLOC_SETTINGS).every((name) => env[name] === undefined)
  );
}
