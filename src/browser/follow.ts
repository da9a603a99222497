import { PersonaPoolError } from '../errors.js';
import { followSettings, type FollowFailure, type FollowOptions, type FollowSettings } from './options.js';

/** The part of the Web Locks API used here (`navigator.locks`). */
interface Locks {
  request(name: string, options: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

/** The part of `BroadcastChannel` used here. */
interface Channel {
  postMessage(message: Message): void;
  close(): void;
  onmessage: ((event: { data: Message }) => void) | null;
}

/** What the tabs following one URL say to each other. */
type Message = { type: 'hello' } | { type: 'body'; etag: string; text: string } | { type: 'denied'; status: number; detail: string };

interface BrowserGlobals {
  navigator?: { locks?: Locks };
  BroadcastChannel?: new (name: string) => Channel;
  location?: { href: string };
}

const browser = globalThis as unknown as BrowserGlobals;

/** Resolves after `ms`, or at once when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function detailOf(text: string, status: number): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    if (typeof detail === 'string') return detail;
  } catch {
    // not JSON: a proxy's page
  }
  return `HTTP ${status}`;
}

/** One call of followPersonas: the tab's part, leader or not. */
class Follower<T> {
  readonly #settings: FollowSettings<T>;
  readonly #stop = new AbortController();
  #etag: string | null = null;
  #latest: Extract<Message, { type: 'body' }> | null = null;
  #leading = false;
  #denied: PersonaPoolError | null = null;

  constructor(settings: FollowSettings<T>) {
    this.#settings = settings;
    const { signal } = settings;
    if (signal?.aborted) this.#stop.abort();
    signal?.addEventListener('abort', () => this.#stop.abort(), { once: true });
  }

  async run(): Promise<void> {
    const locks = browser.navigator?.locks;
    const Channel = browser.BroadcastChannel;
    if (this.#stop.signal.aborted) return;
    if (!this.#settings.share || locks === undefined || Channel === undefined) {
      await this.#lead(null);
    } else {
      const name = `persona-pool follow ${new URL(this.#settings.url, browser.location?.href).href}`;
      const channel = new Channel(name);
      channel.onmessage = (event) => this.#receive(event.data, channel);
      channel.postMessage({ type: 'hello' });
      try {
        await locks.request(name, { signal: this.#stop.signal }, () => this.#lead(channel));
      } catch (error) {
        if (!this.#stop.signal.aborted) throw error;
      } finally {
        channel.close();
      }
    }
    if (this.#denied) throw this.#denied;
  }

  #receive(message: Message, channel: Channel): void {
    if (message.type === 'hello' && this.#leading && this.#latest) channel.postMessage(this.#latest);
    else if (message.type === 'body') this.#deliver(message);
    else if (message.type === 'denied') this.#deny(message);
  }

  #deliver(message: Extract<Message, { type: 'body' }>): void {
    if (message.etag === this.#etag) return;
    const body = JSON.parse(message.text) as T;
    this.#etag = message.etag;
    this.#latest = message;
    try {
      this.#settings.onChange(body, message.etag);
    } catch (error) {
      setTimeout(() => {
        throw error; // the caller's own error: reported as uncaught, the loop goes on
      });
    }
  }

  #deny({ status, detail }: FollowFailure): void {
    const code = status === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN';
    this.#denied = new PersonaPoolError(code, `${detail} (HTTP ${status}): sign in with a role that may read the personas, then follow again`, { status });
    this.#stop.abort();
  }

  /** The leader's loop (or every tab's, without sharing): long polls, answers shared, back-off on failures. */
  async #lead(channel: Channel | null): Promise<void> {
    this.#leading = true;
    const { signal } = this.#stop;
    for (let failures = 0; !signal.aborted; ) {
      const failure = await this.#ask(channel);
      if (failure === undefined) {
        failures = 0;
      } else if (failure.status === 401 || failure.status === 403) {
        channel?.postMessage({ type: 'denied', ...failure });
        this.#deny(failure);
      } else {
        this.#settings.onError?.(failure);
        await pause(Math.min(this.#settings.maxDelayMs, this.#settings.minDelayMs * 2 ** failures++), signal);
      }
    }
    this.#leading = false;
  }

  /** One GET: undefined for 200 (delivered and shared) and 304, else why it failed. */
  async #ask(channel: Channel | null): Promise<FollowFailure | undefined> {
    const { url, headers, credentials, wait, minDelayMs } = this.#settings;
    const { signal } = this.#stop;
    const conditional = this.#etag === null ? {} : { 'If-None-Match': this.#etag, Prefer: `wait=${wait}` };
    try {
      // no-store: the browser's cache stays out of it (the types of Node's fetch lack `cache`).
      const init = { headers: { ...headers, ...conditional }, cache: 'no-store', credentials, signal };
      const response = await fetch(url, init as RequestInit);
      const text = await response.text();
      if (response.status === 304) {
        // Not held (a server that does not wait, or hides Preference-Applied): do not ask in a tight loop.
        if (response.headers.get('Preference-Applied') === null) await pause(minDelayMs, signal);
        return undefined;
      }
      if (response.status !== 200) return { status: response.status, detail: detailOf(text, response.status) };
      const message = { type: 'body', etag: response.headers.get('ETag') ?? '', text } as const;
      this.#deliver(message);
      channel?.postMessage(message);
      return undefined;
    } catch (error) {
      return signal.aborted ? undefined : { status: 0, detail: error instanceof Error ? error.message : String(error) };
    }
  }
}

/**
 * Keeps a browser view current with the personas endpoint's long polling (`Prefer: wait`), for
 * any number of tabs: one tab per origin and URL holds the long poll (elected with Web Locks) and
 * shares each new body with the others (BroadcastChannel), so the tabs hold one of the browser's
 * six HTTP/1.1 connections, not one each. Where those APIs are missing, each tab polls alone.
 * Failures are retried with a back-off (1 s doubling to 30 s) and reported to `onError`.
 *
 * @param options - The endpoint's `url`, `onChange`, a `signal` to stop, and the rest of {@link FollowOptions}.
 * @returns A promise that resolves once `signal` aborts, and rejects with a `PersonaPoolError`
 *   (`UNAUTHORIZED` 401, `FORBIDDEN` 403: `error.status`) when the server refuses the user, in every tab.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a missing `url` or `onChange`, or a malformed option.
 *
 * @example
 * ```ts
 * import { followPersonas } from 'persona-pool/browser';
 * const stop = new AbortController();
 * followPersonas({ url: '/api/v1/realism/personas', onChange: (pool) => render(pool), signal: stop.signal })
 *   .catch((error) => showLogin(error.status));
 * ```
 */
export function followPersonas<T = unknown>(options: FollowOptions<T>): Promise<void> {
  return new Follower(followSettings(options)).run();
}
