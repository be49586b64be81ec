/**
 * Waits `ms`, or less: `expose` is handed at once the function that ends the wait early, for a loop to keep where a
 * nudge or a shutdown can call it. Calling that function again, or after the wait ended, does nothing.
 */
export function pause(ms: number, expose: (end: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    expose(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
