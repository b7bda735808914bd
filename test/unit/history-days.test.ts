import { describe, expect, it } from 'vitest';
import { DAY_MS, inRanges, planPeriod } from '../../controller/store/history-days.ts';

const D = DAY_MS;
describe('a report period split into summarized days and the rest', () => {
  it('reads whole summarized days from the summaries and its edges and gaps from the log', () => {
    const days = [10, 11, 13, 14, 20].map((day, i) => ({ day, upto: 100 + i }));
    // Period: from the middle of day 10 to the middle of day 15 (ts inclusive).
    const plan = planPeriod(10 * D + 5, 15 * D + 7, days);
    expect(plan.summarized).toEqual([
      [11 * D, 12 * D],
      [13 * D, 15 * D],
    ]);
    expect(plan.raw).toEqual([
      [10 * D + 5, 11 * D],
      [12 * D, 13 * D],
      [15 * D, 15 * D + 8],
    ]);
    expect(plan.upto).toBe(101); // day 10 is not whole in the period, day 20 is outside
  });

  it('takes a day whose last millisecond is the end of the period, and nothing when none is summarized', () => {
    expect(planPeriod(3 * D, 4 * D - 1, [{ day: 3, upto: 9 }])).toEqual({ summarized: [[3 * D, 4 * D]], raw: [], upto: 9 });
    expect(planPeriod(3 * D, 4 * D - 2, [{ day: 3, upto: 9 }])).toEqual({ summarized: [], raw: [[3 * D, 4 * D - 1]], upto: 0 });
    expect(inRanges([])).toBe('false');
  });
});
