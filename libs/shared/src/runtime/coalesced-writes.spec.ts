import { CoalescedWrites } from './coalesced-writes';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('CoalescedWrites', () => {
  it('writes an item alone at once, and what comes during a write together in the next', async () => {
    const writes: number[][] = [];
    const gates: Array<ReturnType<typeof deferred>> = [];
    const coalesced = new CoalescedWrites<number>((items) => {
      writes.push(items);
      const gate = deferred();
      gates.push(gate);
      return gate.promise;
    });
    const first = coalesced.add(1);
    expect(writes).toEqual([[1]]);
    const rest = [coalesced.add(2), coalesced.add(3), coalesced.add(4)];
    expect(writes).toEqual([[1]]);
    gates[0]!.resolve();
    await first;
    await Promise.resolve();
    expect(writes).toEqual([[1], [2, 3, 4]]);
    gates[1]!.resolve();
    await Promise.all(rest);
    const last = coalesced.add(5);
    expect(writes).toEqual([[1], [2, 3, 4], [5]]);
    gates[2]!.resolve();
    await last;
  });

  it('fails every item of a failed write and goes on with the next', async () => {
    let calls = 0;
    const gate = deferred();
    const coalesced = new CoalescedWrites<string>(async (items) => {
      calls += 1;
      if (calls === 1) return gate.promise;
      if (items.includes('bad')) throw new Error('no');
    });
    const first = coalesced.add('a');
    const failing = [coalesced.add('bad'), coalesced.add('b')];
    gate.resolve();
    await first;
    await expect(failing[0]).rejects.toThrow('no');
    await expect(failing[1]).rejects.toThrow('no');
    await expect(coalesced.add('c')).resolves.toBeUndefined();
    expect(calls).toBe(3);
  });
});
