import type { DataSource } from 'typeorm';
import { OutboxHorizon } from './outbox-horizon';

interface ScriptedLook {
  xmin: number;
  nextXid: number;
  sequences: number[];
  /** The first unpublished sequence above the floor (default: the first of `sequences`). */
  first?: number | null;
}

/** A database that answers the horizon's looks from a script: the published point, then one answer per look. */
function horizonOver(published: number, looks: ScriptedLook[]) {
  const asked: string[] = [];
  const floors: string[] = [];
  const answers = [
    [{ start: String(published) }],
    ...looks.map((look) => {
      const first = look.first === undefined ? (look.sequences[0] ?? null) : look.first;
      return [
        {
          first_unpublished: first === null ? null : String(first),
          xmin: String(look.xmin),
          next_xid: String(look.nextXid),
          sequences: look.sequences.length ? look.sequences.map(String) : null,
        },
      ];
    }),
  ];
  const dataSource = {
    query: async (_sql: string, params?: unknown[]) => {
      if (params) {
        asked.push(String(params[0]));
        floors.push(String(params[1]));
      }
      return answers.shift();
    },
  } as unknown as DataSource;
  return { horizon: new OutboxHorizon(dataSource), asked, floors };
}

describe('OutboxHorizon', () => {
  afterEach(() => jest.useRealTimers());

  it('bounds the relay below a gap while a transaction that ran when it was seen still runs, then passes it', async () => {
    const { horizon, asked } = horizonOver(10, [
      { xmin: 100, nextXid: 105, sequences: [11, 13, 14] },
      { xmin: 103, nextXid: 108, sequences: [13, 14, 15] },
      { xmin: 105, nextXid: 109, sequences: [13, 14, 15] },
    ]);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: 12n, through: 11n });
    // 11 is behind the watermark now: the next look starts after it.
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: 12n });
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: null, through: 15n });
    expect(asked).toEqual(['10', '11', '11']);
  });

  it('passes a gap at once when nothing runs (a rolled-back sequence on a quiet server)', async () => {
    const { horizon } = horizonOver(10, [{ xmin: 100, nextXid: 100, sequences: [12] }]);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: null });
  });

  it('holds or passes a run of missing sequences as one, however long (a sequence set forward)', async () => {
    const { horizon, asked } = horizonOver(10, [
      { xmin: 100, nextXid: 101, sequences: [11, 1_000_000_000_012] },
      { xmin: 101, nextXid: 102, sequences: [1_000_000_000_012, 1_000_000_000_013] },
    ]);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: 12n });
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: null });
    expect(asked).toEqual(['10', '11']);
  });

  it('passes a gap after five seconds even if an older transaction still runs', async () => {
    jest.useFakeTimers({ now: 1_000_000 });
    const { horizon } = horizonOver(10, [
      { xmin: 90, nextXid: 105, sequences: [12] },
      { xmin: 90, nextXid: 120, sequences: [12] },
      { xmin: 90, nextXid: 130, sequences: [12, 13] },
    ]);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: 11n });
    jest.setSystemTime(1_004_000);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: 11n });
    jest.setSystemTime(1_005_001);
    expect(await horizon.look()).toMatchObject({ anyUnpublished: true, below: null });
  });

  describe('the floor the relay reads above', () => {
    it('rises to the watermark, stays below the first unpublished event, and is left aside once a second', async () => {
      jest.useFakeTimers({ now: 1_000_000 });
      const { horizon, floors } = horizonOver(10, [
        { xmin: 100, nextXid: 100, sequences: [11, 12, 13], first: 12 },
        { xmin: 100, nextXid: 100, sequences: [14], first: 12 },
        { xmin: 100, nextXid: 100, sequences: [15], first: 15 },
        { xmin: 100, nextXid: 100, sequences: [], first: null },
        // A second after the first look: from the start, where an event below the floor has committed late.
        { xmin: 100, nextXid: 100, sequences: [], first: 9 },
        { xmin: 100, nextXid: 100, sequences: [], first: 9 },
      ]);
      expect(await horizon.look()).toEqual({
        anyUnpublished: true,
        above: 0n,
        below: null,
        through: 13n,
        rows: [],
      });
      await horizon.look();
      await horizon.look();
      expect(await horizon.look()).toEqual({
        anyUnpublished: false,
        above: 14n,
        below: null,
        through: 15n,
        rows: [],
      });
      jest.setSystemTime(1_001_000);
      expect(await horizon.look()).toEqual({
        anyUnpublished: true,
        above: 0n,
        below: null,
        through: 15n,
        rows: [],
      });
      expect(await horizon.look()).toMatchObject({ above: 8n });
      expect(floors).toEqual(['0', '11', '11', '14', '0', '8']);
    });
  });
});
