import { PersonaPoolError } from '../../errors.js';
import { publicUrl, type RemoteStoreOptions } from './options.js';

const MAX_REDIRECTS = 5;

/** One request to the API. */
export interface Ask {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST';
  /** Appended to the store's path (`/history`, `/restore`), or empty. */
  readonly suffix?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
  /** Added to `timeoutMs` (a long poll's wait). */
  readonly extraMs?: number;
  /** Ends the request early (the watch's close). */
  readonly signal?: AbortSignal;
}

/** The API's answer, its body read whole (within `maxBytes`). */
export interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly bytes: Uint8Array;
}

/** An answer the store refuses (too large, a cross-origin redirect): a typed failure, its text for an operator. */
export class Refused extends PersonaPoolError {}

/**
 * Makes requests to the API: the URL's credentials moved into an `authorization` header, the
 * caller's headers added, same-origin redirects followed (another origin never sees the headers),
 * a timeout, and answers over `maxBytes` refused while they stream. Errors name the URL without
 * credentials and never a header value.
 */
export class RemoteHttp {
  readonly #options: RemoteStoreOptions;
  readonly #base: URL;
  readonly #basic: string | undefined;
  /** `<origin><path>`: what messages name. */
  readonly where: string;

  /**
   * @param options - The store's checked options.
   * @param url - The endpoint, parsed.
   */
  constructor(options: RemoteStoreOptions, url: URL) {
    this.#options = options;
    const base = new URL(url.href);
    this.#basic = base.username === '' && base.password === '' ? undefined : `Basic ${Buffer.from(`${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`).toString('base64')}`;
    base.username = '';
    base.password = '';
    base.hash = '';
    this.#base = base;
    this.where = publicUrl(base);
  }

  /**
   * Sends one request and reads its answer.
   *
   * @param ask - The request.
   * @returns The answer, any status.
   * @throws {PersonaPoolError} `STORE_UNAVAILABLE` for a network error, a timeout, a cross-origin or
   *   endless redirect, an answer over `maxBytes`.
   */
  async send(ask: Ask): Promise<Answer> {
    const extra = await this.#headers();
    const headers: Record<string, string> = { ...extra, ...ask.headers };
    if (this.#basic !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) headers.authorization = this.#basic;
    const timeout = AbortSignal.timeout(this.#options.timeoutMs + (ask.extraMs ?? 0));
    const signal = ask.signal === undefined ? timeout : AbortSignal.any([timeout, ask.signal]);
    let url = new URL(this.#base.href);
    if (ask.suffix !== undefined) url.pathname = `${url.pathname.replace(/\/$/, '')}${ask.suffix}`;
    try {
      for (let hop = 0; ; hop++) {
        const response = await this.#options.fetch(url.href, { method: ask.method, headers, body: ask.body ?? null, redirect: 'manual', signal });
        const location = response.status >= 300 && response.status < 400 && response.status !== 304 ? response.headers.get('location') : null;
        if (location === null) return { status: response.status, headers: response.headers, bytes: ask.method === 'HEAD' ? new Uint8Array(0) : await this.#body(response) };
        await response.body?.cancel().catch(() => undefined);
        const next = new URL(location, url);
        if (next.origin !== url.origin) throw new Refused('STORE_UNAVAILABLE', `The persona API ${this.where} redirected to another origin (${next.origin}): not followed, so that the credentials stay with the API; point url at the API itself`);
        if (hop >= MAX_REDIRECTS) throw new Refused('STORE_UNAVAILABLE', `The persona API ${this.where} redirected more than ${MAX_REDIRECTS} times: point url at the API itself`);
        url = next;
      }
    } catch (error) {
      if (error instanceof PersonaPoolError) throw error;
      throw this.#unreachable(error, timeout.aborted);
    }
  }

  /** The caller's headers: the object, or what the function gives (a failure is `STORE_UNAVAILABLE`, its message not repeated). */
  async #headers(): Promise<Readonly<Record<string, string>>> {
    const given = this.#options.headers;
    if (typeof given !== 'function') return given;
    try {
      return await given();
    } catch (error) {
      const name = error instanceof Error ? error.name : typeof error;
      throw new PersonaPoolError('STORE_UNAVAILABLE', `The headers function given to the remote store of ${this.where} failed (${name}): nothing was sent; check it`);
    }
  }

  /** The body, read chunk by chunk: refused as soon as it passes `maxBytes` (a claimed length over it, before reading). */
  async #body(response: Response): Promise<Uint8Array> {
    const { maxBytes } = this.#options;
    const claimed = Number(response.headers.get('content-length') ?? '0');
    if (claimed > maxBytes) {
      await response.body?.cancel().catch(() => undefined);
      throw this.#tooLarge(claimed);
    }
    if (response.body === null) return new Uint8Array(0);
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw this.#tooLarge(size);
      }
      chunks.push(value);
    }
    return chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
  }

  #tooLarge(size: number): Refused {
    return new Refused('STORE_UNAVAILABLE', `The persona API ${this.where} sent an answer of ${size} bytes or more, over maxBytes (${this.#options.maxBytes}): raise maxBytes or check the url`);
  }

  #unreachable(error: unknown, timedOut: boolean): PersonaPoolError {
    if (timedOut) return new PersonaPoolError('STORE_UNAVAILABLE', `The persona API ${this.where} did not answer within ${this.#options.timeoutMs} ms: check that it runs, or raise timeoutMs`);
    const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
    const code = typeof cause?.code === 'string' ? cause.code : (error as { name?: unknown } | null)?.name;
    return new PersonaPoolError('STORE_UNAVAILABLE', `The persona API ${this.where} cannot be reached (${typeof code === 'string' ? code : 'network error'}): check that it runs and the url`);
  }
}
