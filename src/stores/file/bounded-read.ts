import fs, { type BigIntStats } from 'node:fs';

/**
 * Every file read opens with these flags: `O_NONBLOCK`, so opening a named pipe without a writer, or
 * a device, returns at once instead of waiting forever. It changes nothing for a regular file.
 */
const READ_FLAGS = fs.constants.O_RDONLY | fs.constants.O_NONBLOCK;

/** The smallest step a buffer grows by when the file turns out larger than its `fstat` said. */
const GROWTH = 64 * 1024;

/** What one bounded read of a path found. */
export type BoundedRead =
  | { readonly kind: 'missing' }
  | { readonly kind: 'failed'; readonly error: NodeJS.ErrnoException }
  /** Not a regular file; `what` says what it is, as in `a named pipe (FIFO)`. */
  | { readonly kind: 'not-a-file'; readonly stats: BigIntStats; readonly what: string }
  /** Over the limit: `size` is the size `fstat` gave, or null when the read itself went past the limit. */
  | { readonly kind: 'too-large'; readonly stats: BigIntStats; readonly size: bigint | null }
  | { readonly kind: 'read'; readonly stats: BigIntStats; readonly bytes: Buffer };

/** The `is…()` methods of number and bigint stats alike. */
type Kinds = Pick<fs.Stats, 'isFile' | 'isDirectory' | 'isFIFO' | 'isSocket' | 'isCharacterDevice' | 'isBlockDevice' | 'isSymbolicLink'>;

/**
 * What a file that is not a regular file is, in words.
 *
 * @param stats - Its `stat`, `lstat` or `fstat`.
 * @returns Null for a regular file; else `a folder`, `a named pipe (FIFO)`, `a socket`,
 *   `a character device`, `a block device` or `a symbolic link`.
 */
export function fileKind(stats: Kinds): string | null {
  if (stats.isFile()) return null;
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return stats.isSymbolicLink() ? 'a symbolic link' : 'not a regular file';
}

/**
 * The bytes read so far into a buffer that holds at most `maxBytes + 1`: one byte past the limit
 * proves a file too large, whatever size its `fstat` claimed.
 */
class Filling {
  buffer: Buffer;
  total = 0;
  readonly #size: number;
  readonly #cap: number;

  constructor(size: bigint, maxBytes: number) {
    this.#size = Number(size);
    this.#cap = maxBytes + 1;
    this.buffer = Buffer.allocUnsafe(Math.min(this.#size, maxBytes) + 1);
  }

  /** Room left in the buffer: the length of the next read. */
  get room(): number {
    return this.buffer.length - this.total;
  }

  /** Takes the count of one read; true once the file is read (or proved too large). */
  took(count: number): boolean {
    const wanted = this.room;
    this.total += count;
    // The end: nothing more, or a short read that stops right at the size `fstat` gave.
    if (count === 0 || (count < wanted && this.total === this.#size)) return true;
    if (this.total < this.buffer.length) return false;
    if (this.buffer.length >= this.#cap) return true;
    const grown = Buffer.allocUnsafe(Math.min(this.#cap, this.buffer.length + Math.max(this.buffer.length, GROWTH)));
    this.buffer.copy(grown, 0, 0, this.total);
    this.buffer = grown;
    return false;
  }

  /** What was read, or null when it went past the limit. */
  result(stats: BigIntStats): BoundedRead {
    if (this.total >= this.#cap) return { kind: 'too-large', stats, size: null };
    return { kind: 'read', stats, bytes: this.buffer.subarray(0, this.total) };
  }
}

/** The verdict on a handle before reading: not a file, too large by its `fstat`, or null to read on. */
function precheck(stats: BigIntStats, maxBytes: number): BoundedRead | null {
  const what = fileKind(stats);
  if (what !== null) return { kind: 'not-a-file', stats, what };
  return stats.size > BigInt(maxBytes) ? { kind: 'too-large', stats, size: stats.size } : null;
}

/**
 * Why a path could not be opened. A socket cannot be opened at all (`ENXIO`): a `stat` then says
 * what the path is, so the caller can say so rather than give a bare error code.
 */
function openFailed(path: string, error: unknown): BoundedRead {
  const failure = error as NodeJS.ErrnoException;
  if (failure.code === 'ENOENT') return { kind: 'missing' };
  let stats: BigIntStats | undefined;
  try {
    stats = fs.statSync(path, { bigint: true });
  } catch {
    return { kind: 'failed', error: failure };
  }
  const what = fileKind(stats);
  return what === null ? { kind: 'failed', error: failure } : { kind: 'not-a-file', stats, what };
}

/**
 * Reads a file that must be a regular file, never blocking and never holding more than
 * `maxBytes + 1` bytes: it opens with `O_NONBLOCK`, checks the handle's `fstat` (taken before
 * reading, so it stamps the content read) and reads in a loop into a bounded buffer. A named pipe,
 * a socket, a device or a folder is reported, not read.
 *
 * @param path - The file.
 * @param maxBytes - The most bytes accepted.
 * @returns What was found.
 */
export function readBoundedSync(path: string, maxBytes: number): BoundedRead {
  let fd: number;
  try {
    fd = fs.openSync(path, READ_FLAGS);
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    const stats = fs.fstatSync(fd, { bigint: true });
    const early = precheck(stats, maxBytes);
    if (early) return early;
    const filling = new Filling(stats.size, maxBytes);
    while (!filling.took(fs.readSync(fd, filling.buffer, filling.total, filling.room, null)));
    return filling.result(stats);
  } catch (error) {
    return { kind: 'failed', error: error as NodeJS.ErrnoException };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Like {@link readBoundedSync}, through the thread pool.
 *
 * @param path - The file.
 * @param maxBytes - The most bytes accepted.
 * @returns What was found.
 */
export async function readBounded(path: string, maxBytes: number): Promise<BoundedRead> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, READ_FLAGS);
  } catch (error) {
    return openFailed(path, error);
  }
  try {
    const stats = await handle.stat({ bigint: true });
    const early = precheck(stats, maxBytes);
    if (early) return early;
    const filling = new Filling(stats.size, maxBytes);
    while (!filling.took((await handle.read(filling.buffer, filling.total, filling.room, null)).bytesRead));
    return filling.result(stats);
  } catch (error) {
    return { kind: 'failed', error: error as NodeJS.ErrnoException };
  } finally {
    await handle.close();
  }
}

/**
 * Reads a stream (standard input) to its end, holding at most `maxBytes + 1` bytes; past the
 * limit it stops reading, which destroys the stream.
 *
 * @param chunks - The stream.
 * @param maxBytes - The most bytes accepted.
 * @returns The bytes, or null when the stream holds more than `maxBytes`.
 */
export async function readStreamBounded(chunks: AsyncIterable<Uint8Array | string>, maxBytes: number): Promise<Buffer | null> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of chunks) {
    const part = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    total += part.length;
    if (total > maxBytes) return null;
    parts.push(part);
  }
  return Buffer.concat(parts, total);
}
