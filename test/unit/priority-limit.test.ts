import { describe, expect, it } from 'vitest';
import { pairPriority, priorityLimit } from '../../src/runner/priority-limit.js';

describe('priorityLimit', () => {
  it('runs at most N at once and starts the smallest waiting key first, FIFO among equals', async () => {
    const limit = priorityLimit(2);
    const started: string[] = [];
    let running = 0;
    let peak = 0;
    const task = (name: string) => async () => {
      started.push(name);
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return name;
    };
    const all = [limit(7, task('a')), limit(8, task('b')), limit(9, task('c')), limit(6, task('d')), limit(6, task('e'))];
    expect(await Promise.all(all)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(peak).toBe(2);
    // a and b start at once; then the waiting key-6 tasks (d before e) overtake c.
    expect(started).toEqual(['a', 'b', 'd', 'e', 'c']);
  });

  it('passes rejections through and keeps going', async () => {
    const limit = priorityLimit(1);
    await expect(limit(1, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit(2, async () => 42)).toBe(42);
  });

  it('keys pairs by date, with Phase 3 running `concurrency` dates ahead of Phase 4', () => {
    const dates = ['2022-01-01', '2022-01-02', '2022-01-03', '2022-01-04', '2022-01-05'];
    const pair = (date: string, phase: number) => ({ date, processor: { phase } as never });
    const pairs = dates.flatMap((d) => [pair(d, 3), pair(d, 4)]);
    const key = pairPriority(pairs, 2);
    // Phase 3 of the 3rd date sits next to Phase 4 of the 1st, 2 dates (the concurrency) ahead.
    expect([key(pair('2022-01-03', 3)), key(pair('2022-01-01', 4)), key(pair('2022-01-04', 3)), key(pair('2022-01-02', 4))]).toEqual([3, 4, 13, 14]);
    expect(key(pair('2022-01-01', 3))).toBeLessThan(key(pair('2022-01-01', 4)));
    // One phase alone: plain date order.
    const only3 = pairPriority(dates.map((d) => pair(d, 3)), 2);
    expect(dates.map((d) => only3(pair(d, 3)))).toEqual([3, 13, 23, 33, 43]);
  });
});
