import fs, { type BigIntStats } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stampOf, unchanged } from '../../../src/stores/file/stamp.js';

const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-stamp-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('stamps', () => {
  // mtimes in seconds: now-ish with odd fractions, whole seconds, before 1970, the epoch, far ahead.
  it.each([1_764_460_800.123_456_7, 1_764_460_800, 1_700_000_000.999_999, 86_400.5, 0, -1.25, -86_400.000_3, 4_102_444_800.75])(
    'computes the mtime in ms exactly as the number stat does, for %d',
    (seconds) => {
      const file = join(dir, `f${String(seconds)}`);
      fs.writeFileSync(file, 'x');
      fs.utimesSync(file, seconds, seconds);
      const stamp = stampOf(fs.statSync(file, { bigint: true }));
      expect(stamp.numbers?.mtimeMs).toBe(fs.statSync(file).mtimeMs);
      expect(unchanged(stamp, fs.statSync(file))).toBe(true);
      expect(unchanged(stamp, fs.statSync(file, { bigint: true }))).toBe(true);
    },
  );

  it('tells a change in any of size, inode, device and mtime, number or bigint', () => {
    const file = join(dir, 'changes');
    fs.writeFileSync(file, 'x');
    const stats = fs.statSync(file, { bigint: true });
    const stamp = stampOf(stats);
    const plain = fs.statSync(file);
    for (const [field, delta] of [['size', 1], ['ino', 1], ['dev', 1], ['mtimeMs', 0.001]] as const) {
      expect(unchanged(stamp, Object.create(plain, { [field]: { value: plain[field] + delta } }) as fs.Stats)).toBe(false);
    }
    for (const field of ['size', 'ino', 'dev', 'mtimeNs'] as const) {
      expect(unchanged(stamp, Object.create(stats, { [field]: { value: stats[field] + 1n } }) as BigIntStats)).toBe(false);
    }
  });

  it('compares a missing file only with a missing file', () => {
    const file = join(dir, 'present');
    fs.writeFileSync(file, 'x');
    const stamp = stampOf(fs.statSync(file, { bigint: true }));
    expect(unchanged(undefined, undefined)).toBe(true);
    expect(unchanged(stamp, undefined)).toBe(false);
    expect(unchanged(undefined, fs.statSync(file))).toBe(false);
  });

  it.each([
    ['an inode over 2^53', { ino: 2n ** 60n }],
    ['a device over 2^53', { dev: 2n ** 53n }],
    ['a negative inode (over 2^63, as node reads it)', { ino: -5n }],
  ])('holds no numbers for %s, so only a bigint stat matches it', (_name, fields) => {
    const file = join(dir, 'large');
    fs.writeFileSync(file, 'x');
    const real = fs.statSync(file, { bigint: true });
    const stats = Object.create(real, Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, { value }]))) as BigIntStats;
    const stamp = stampOf(stats);
    expect(stamp.numbers).toBeNull();
    const plain = fs.statSync(file);
    expect(unchanged(stamp, Object.create(plain, { ino: { value: Number(stats.ino) }, dev: { value: Number(stats.dev) } }) as fs.Stats)).toBe(false);
    expect(unchanged(stamp, stats)).toBe(true);
  });
});
