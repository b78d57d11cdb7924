import { describe, expect, it } from 'vitest';
import { priorityLimit } from '../../src/runner/priority-limit.js';

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
    const all = [limit('2022-01-07', task('a')), limit('2022-01-08', task('b')), limit('2022-01-09', task('c')), limit('2022-01-06', task('d')), limit('2022-01-06', task('e'))];
    expect(await Promise.all(all)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(peak).toBe(2);
    // a and b start at once; then the waiting 01-06 pairs (d before e) overtake c.
    expect(started).toEqual(['a', 'b', 'd', 'e', 'c']);
  });

  it('passes rejections through and keeps going', async () => {
    const limit = priorityLimit(1);
    await expect(limit('a', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await limit('b', async () => 42)).toBe(42);
  });
});
