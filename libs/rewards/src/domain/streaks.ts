/**
 * Weekly streaks: consecutive weeks (Monday to Sunday, in the member's own time zone) with at least one qualifying
 * action (a transfer sent, a deposit, a card purchase). A week is named by its Monday's local date.
 */
export interface StreakState {
  weeks: number;
  /** The Monday (YYYY-MM-DD) of the last week that counted, or null before the first. */
  lastWeek: string | null;
}

/** Streak lengths that pay a bonus, and how much. */
export const STREAK_MILESTONES: ReadonlyMap<number, bigint> = new Map([
  [4, 200n],
  [8, 400n],
  [12, 600n],
  [26, 1_500n],
  [52, 3_000n],
]);

const DAY_MS = 86_400_000;

function epochDay(localDate: string): number {
  const [year, month, day] = localDate.split('-').map(Number);
  return Math.floor(Date.UTC(year, month - 1, day) / DAY_MS);
}

function fromEpochDay(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** The Monday (local date) of the week holding `localDate` (YYYY-MM-DD). */
export function weekOf(localDate: string): string {
  const days = epochDay(localDate);
  // 1970-01-01 was a Thursday: (days + 3) mod 7 is 0 on Mondays.
  return fromEpochDay(days - ((((days + 3) % 7) + 7) % 7));
}

/** ISO 8601 week name (2026-W49) of a week's Monday. */
export function isoWeekName(monday: string): string {
  const thursday = epochDay(monday) + 3;
  const year = new Date(thursday * DAY_MS).getUTCFullYear();
  const firstThursdayWeek = epochDay(weekOf(`${year}-01-04`)) + 3;
  const week = Math.floor((thursday - firstThursdayWeek) / 7) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The streak after an action in the week of `monday`: the same week changes nothing, the next week extends it,
 * a later one starts again at 1; an action in an earlier week (an event delivered late) changes nothing.
 * `milestone` is the streak length reached when it pays a bonus.
 */
export function advanceStreak(
  state: StreakState,
  monday: string,
): { state: StreakState; changed: boolean; milestone: number | null } {
  if (state.lastWeek !== null) {
    const gap = (epochDay(monday) - epochDay(state.lastWeek)) / 7;
    if (gap <= 0) return { state, changed: false, milestone: null };
    const weeks = gap === 1 ? state.weeks + 1 : 1;
    return {
      state: { weeks, lastWeek: monday },
      changed: true,
      milestone: STREAK_MILESTONES.has(weeks) ? weeks : null,
    };
  }
  return { state: { weeks: 1, lastWeek: monday }, changed: true, milestone: null };
}

/** Whether a streak whose last week is `lastWeek` is still alive in the week of `monday` (this week or last). */
export function streakAlive(state: StreakState, monday: string): boolean {
  if (state.lastWeek === null) return false;
  const gap = (epochDay(monday) - epochDay(state.lastWeek)) / 7;
  return gap === 0 || gap === 1;
}
