import { describe, expect, it } from 'vitest';
import { RowBuffer } from './row-buffer.ts';

/** Appends a row whose features are all `value`. */
function append(buffer: RowBuffer, value: number, offset: number, partition = 0): void {
  const { matrix, at } = buffer.nextRow();
  matrix.fill(value, at, at + 3);
  buffer.keep(value > 0.5 ? 1 : 0, partition, offset, offset * 10);
}

describe('RowBuffer', () => {
  it('hands out mini-batches as views of consecutive rows, bias column first', () => {
    const buffer = new RowBuffer(4, 8);
    for (let i = 0; i < 3; i++) append(buffer, i, 100 + i);
    const batch = buffer.peek(2);
    expect(Array.from(batch.x)).toEqual([1, 0, 0, 0, 1, 1, 1, 1]);
    expect(Array.from(batch.y)).toEqual([0, 1]);
    buffer.take(2);
    expect(buffer.length).toBe(1);
    expect(buffer.oldestArrival()).toBe(1020);
    expect(buffer.firstOffsets()).toEqual(new Map([[0, 102]]));
  });

  it('a row written but not kept is written over by the next one', () => {
    const buffer = new RowBuffer(4, 8);
    const { matrix, at } = buffer.nextRow();
    matrix.fill(9, at, at + 3);
    append(buffer, 0.25, 1);
    expect(Array.from(buffer.peek(1).x)).toEqual([1, 0.25, 0.25, 0.25]);
  });

  it('moves the live rows to the front, and grows when they fill it, keeping every row and its bias', () => {
    const buffer = new RowBuffer(4, 4);
    for (let i = 0; i < 4; i++) append(buffer, i, i);
    buffer.take(3);
    for (let i = 4; i < 7; i++) append(buffer, i, i, i % 2);
    expect(buffer.length).toBe(4);
    for (let i = 7; i < 12; i++) append(buffer, i, i);
    expect(buffer.length).toBe(9);
    const all = buffer.peek(9);
    expect(Array.from({ length: 9 }, (_, r) => all.x[r * 4 + 1])).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(Array.from({ length: 9 }, (_, r) => all.x[r * 4])).toEqual(Array(9).fill(1));
    expect(buffer.firstOffsets()).toEqual(new Map([[0, 3], [1, 5]]));
  });

  it('is empty again, from the start, once every row is taken', () => {
    const buffer = new RowBuffer(4, 4);
    append(buffer, 1, 1);
    buffer.take(1);
    expect(buffer.length).toBe(0);
    expect(buffer.oldestArrival()).toBeUndefined();
  });
});
