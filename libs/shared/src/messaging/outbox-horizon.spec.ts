import type { DataSource } from 'typeorm';
import { OutboxHorizon } from './outbox-horizon';

/** A database that answers the horizon's looks from a script: the published point, then one answer per look. */
function horizonOver(published: number, looks: Array<{ xmin: number; xmax: number; sequences: number[] }>) {
  const asked: string[] = [];
  const answers = [
    [{ start: String(published) }],
    ...looks.map((look) => [
      {
        any_unpublished: true,
        xmin: String(look.xmin),
        xmax: String(look.xmax),
        sequences: look.sequences.length ? look.sequences.map(String) : null,
      },
    ]),
  ];
  const dataSource = {
    query: async (_sql: string, params?: unknown[]) => {
      asked.push(String(params?.[0] ?? ''));
      return answers.shift();
    },
  } as unknown as DataSource;
  return { horizon: new OutboxHorizon(dataSource), asked };
}

describe('OutboxHorizon', () => {
  afterEach(() => jest.useRealTimers());

  it('bounds the relay below a gap while a transaction that ran when it was seen still runs, then passes it', async () => {
    const { horizon, asked } = horizonOver(10, [
      { xmin: 100, xmax: 105, sequences: [11, 13, 14] },
      { xmin: 103, xmax: 108, sequences: [13, 14, 15] },
      { xmin: 105, xmax: 109, sequences: [13, 14, 15] },
    ]);
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: 12n });
    // 11 is behind the watermark now: the next look starts after it.
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: 12n });
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: null });
    expect(asked.slice(1)).toEqual(['10', '11', '11']);
  });

  it('passes a gap at once when nothing runs (a rolled-back sequence on a quiet server)', async () => {
    const { horizon } = horizonOver(10, [{ xmin: 100, xmax: 100, sequences: [12] }]);
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: null });
  });

  it('holds or passes a run of missing sequences as one, however long (a sequence set forward)', async () => {
    const { horizon, asked } = horizonOver(10, [
      { xmin: 100, xmax: 101, sequences: [11, 1_000_000_000_012] },
      { xmin: 101, xmax: 102, sequences: [1_000_000_000_012, 1_000_000_000_013] },
    ]);
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: 12n });
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: null });
    expect(asked.slice(1)).toEqual(['10', '11']);
  });

  it('passes a gap after five seconds even if an older transaction still runs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { horizon } = horizonOver(10, [
      { xmin: 90, xmax: 105, sequences: [12] },
      { xmin: 90, xmax: 120, sequences: [12] },
      { xmin: 90, xmax: 130, sequences: [12, 13] },
    ]);
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: 11n });
    jest.setSystemTime(1_004_000);
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: 11n });
    jest.setSystemTime(1_005_001);
    expect(await horizon.look()).toEqual({ anyUnpublished: true, below: null });
  });
});
