import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { logger } from '../../log.js';
import { versionOf } from '../../version.js';

const log = logger('persona-pool:remote');
const FORMAT = 'persona-pool-remote-cache/1';

/** A last known good content, as the cache file keeps it. */
export interface Cached {
  /** The bytes, exactly as the API served them. */
  readonly bytes: Uint8Array;
  /** `versionOf(bytes)`, checked when read. */
  readonly version: string;
  /** When this store first received that content (ISO 8601). */
  readonly savedAt: string;
}

/**
 * The remote store's `cacheFile`: each new version the API serves written atomically (a temporary
 * file renamed over it), as JSON `{ format, url, version, savedAt, bytes }` (bytes in base64). Read
 * back only when the API is unreachable, and trusted only when whole: the right format and url, and
 * a version that matches its bytes; anything else is ignored with a warning.
 */
export class CacheFile {
  readonly #path: string;
  readonly #url: string;
  #writing: Promise<void> = Promise.resolve();
  #loaded: Cached | undefined | null = null;

  /**
   * @param path - The cache file.
   * @param url - The API's public URL, kept in the file so that a cache of another API is not served.
   */
  constructor(path: string, url: string) {
    this.#path = path;
    this.#url = url;
  }

  /**
   * The cached content: read from the file once, then kept with what this store writes.
   *
   * @returns It, or undefined when there is none, or none whole (a warning says why).
   */
  load(): Cached | undefined {
    if (this.#loaded === null) this.#loaded = this.#read();
    return this.#loaded;
  }

  /**
   * Keeps a new version, in memory at once and in the file atomically (writes queued; a failure is
   * logged, never thrown: the cache is a convenience).
   *
   * @param bytes - The content.
   * @param version - Its version.
   * @returns Once written (or failed).
   */
  save(bytes: Uint8Array, version: string): Promise<void> {
    if (this.load()?.version === version) return this.#writing;
    const cached = { bytes, version, savedAt: new Date().toISOString() };
    this.#loaded = cached;
    const text = JSON.stringify({ format: FORMAT, url: this.#url, version, savedAt: cached.savedAt, bytes: Buffer.from(bytes).toString('base64') });
    this.#writing = this.#writing.then(() => this.#write(text));
    return this.#writing;
  }

  async #write(text: string): Promise<void> {
    const temporary = `${this.#path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, text, { mode: 0o600 });
      await rename(temporary, this.#path);
    } catch (error) {
      log('cache file %s not written: %s', this.#path, (error as { code?: string }).code ?? String(error));
      await rm(temporary, { force: true }).catch(() => undefined);
    }
  }

  #read(): Cached | undefined {
    let text: string;
    try {
      text = readFileSync(this.#path, 'utf8');
    } catch (error) {
      if ((error as { code?: string }).code !== 'ENOENT') warn(`The cache file ${this.#path} cannot be read (${(error as { code?: string }).code ?? 'error'}): ignored`);
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as Partial<Record<string, unknown>>;
      const { format, url, version, savedAt, bytes } = parsed;
      if (format !== FORMAT || typeof version !== 'string' || typeof savedAt !== 'string' || typeof bytes !== 'string') throw new Error('not a persona-pool cache file');
      if (url !== this.#url) throw new Error(`it caches another API (${String(url)})`);
      const content = Buffer.from(bytes, 'base64');
      if (versionOf(content) !== version) throw new Error('its content does not match its version');
      return { bytes: content, version, savedAt };
    } catch (error) {
      warn(`The cache file ${this.#path} is corrupted (${error instanceof SyntaxError ? 'not JSON' : (error as Error).message}): ignored, never served`);
      return undefined;
    }
  }
}

function warn(message: string): void {
  log('%s', message);
  process.emitWarning(message, { code: 'PERSONA_POOL_CACHE_IGNORED' });
}
