import type { BigIntStats, Stats } from 'node:fs';
import type { Stat } from './resolve-path.js';

/**
 * What identifies one version of the pool file: the `fstat` of the handle its content was read
 * from, and the same four fields (size, inode, device, mtime) as the plain, number `stat` of Node
 * gives them, which a cache hit compares: that `stat` costs less than the bigint one, which builds
 * fourteen bigints. `numbers` is null where a number cannot hold a field exactly (an inode or device
 * over 2^53, as some overlay and network file systems give): such a file is checked by bigint `stat`.
 */
export interface Stamp {
  /** The `fstat`, in bigints. */
  readonly stats: BigIntStats;
  /** Size, inode, device and mtime in ms as the number `stat` gives them, or null when not exact. */
  readonly numbers: NumberStamp | null;
}

/** Size, inode, device and mtime in ms, as the number `stat` gives them. */
export interface NumberStamp {
  /** Size in bytes. */
  readonly size: number;
  /** Inode. */
  readonly ino: number;
  /** Device. */
  readonly dev: number;
  /** Modification time in ms. */
  readonly mtimeMs: number;
}

const NS_PER_S = 1_000_000_000n;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

/** The number as Node's number `stat` gives it, or null when a number cannot hold it exactly. */
function exact(value: bigint): number | null {
  return value >= 0n && value <= MAX_EXACT ? Number(value) : null;
}

/**
 * The mtime in ms as Node's number `stat` computes it: seconds × 1000 + nanoseconds / 10^6. Before
 * 1970 both parts are negative here, not seconds down and nanoseconds up as the kernel splits them;
 * the sum came out the same for each of 20,000 random pre-1970 mtimes set and read back.
 */
function msOf(ns: bigint): number {
  return Number(ns / NS_PER_S) * 1000 + Number(ns % NS_PER_S) / 1e6;
}

/**
 * The stamp of content read or written through a handle.
 *
 * @param stats - The handle's bigint `fstat`.
 * @returns The stamp.
 */
export function stampOf(stats: BigIntStats): Stamp {
  const [size, ino, dev] = [exact(stats.size), exact(stats.ino), exact(stats.dev)];
  const numbers = size === null || ino === null || dev === null ? null : { size, ino, dev, mtimeMs: msOf(stats.mtimeNs) };
  return { stats, numbers };
}

function isBigIntStats(stat: Stats | BigIntStats): stat is BigIntStats {
  return typeof stat.size === 'bigint';
}

/**
 * Whether a path's `stat` shows the file a stamp was taken of, unchanged.
 *
 * @param stamp - The stamp of the cached content; undefined for a missing file.
 * @param stat - The path's `stat` now, number or bigint.
 * @returns True when both are missing, or both are the same size, inode, device and mtime.
 */
export function unchanged(stamp: Stamp | undefined, stat: Exclude<Stat, Error>): boolean {
  if (stat === undefined || stamp === undefined) return stat === stamp;
  if (isBigIntStats(stat)) {
    const { stats } = stamp;
    return stats.mtimeNs === stat.mtimeNs && stats.size === stat.size && stats.ino === stat.ino && stats.dev === stat.dev;
  }
  const { numbers } = stamp;
  return numbers !== null && numbers.mtimeMs === stat.mtimeMs && numbers.size === stat.size && numbers.ino === stat.ino && numbers.dev === stat.dev;
}
