import { PersonaPoolError } from '../../errors.js';

/** Request headers: a record of names to values. */
export type RemoteHeaders = Readonly<Record<string, string>>;

/** The fetch function the store calls: the global `fetch`, or one of the host's (an undici dispatcher for custom CAs or mTLS). */
export type RemoteFetch = (input: string, init: RequestInit) => Promise<Response>;

/** The options of {@link remoteStore}. */
export interface RemoteStoreOptions {
  /** The personas endpoint, `http:` or `https:` (e.g. `https://api.internal/api/v1/realism/personas`). Required. */
  readonly url: string;
  /** Sent with every request: an object, or a function called per request (it may be async), e.g. for a fresh token. */
  readonly headers: RemoteHeaders | (() => RemoteHeaders | Promise<RemoteHeaders>);
  /** The fetch to use (default the global `fetch`). */
  readonly fetch: RemoteFetch;
  /** How long the watch's long poll asks the server to hold a request (`Prefer: wait=N`), in seconds (default 30). */
  readonly waitSeconds: number;
  /** How long a request may take before it fails, in ms (default 10000); a long poll gets `waitSeconds` more. */
  readonly timeoutMs: number;
  /** Where to keep the last known good content, written atomically at each new version (default none). */
  readonly cacheFile: string | undefined;
  /** The most bytes an answer may have; a larger one is refused while it streams (default 16 MiB). */
  readonly maxBytes: number;
}

/** What {@link remoteStore} takes: `url`, and any of the other options (`undefined` meaning the default). */
export type RemoteStoreInput = Pick<RemoteStoreOptions, 'url'> & { readonly [K in Exclude<keyof RemoteStoreOptions, 'url'>]?: RemoteStoreOptions[K] | undefined };

/** The defaults of the optional options. */
export const REMOTE_STORE_DEFAULTS = {
  /** The handler's own cap of `Prefer: wait`. */
  waitSeconds: 30,
  timeoutMs: 10_000,
  /** As the pool's own `maxBytes`. */
  maxBytes: 16 * 1024 * 1024,
} as const;

function invalid(message: string): PersonaPoolError {
  return new PersonaPoolError('INVALID_OPTION', `remoteStore: ${message}`);
}

function whole(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  return value;
}

/**
 * The URL without credentials, query or fragment: what `location`, messages and logs show.
 *
 * @param url - The parsed URL.
 * @returns `<origin><path>`.
 */
export function publicUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/**
 * Checks the options of {@link remoteStore} and fills in the defaults.
 *
 * @param input - The caller's options.
 * @returns The complete options, and the URL parsed.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a URL that is not http(s), or a malformed option.
 */
export function remoteOptions(input: RemoteStoreInput): RemoteStoreOptions & { readonly parsed: URL } {
  const given = Object.fromEntries(Object.entries(input ?? {}).filter(([, value]) => value !== undefined)) as Partial<RemoteStoreOptions>;
  let parsed: URL;
  try {
    parsed = new URL(String(given.url));
  } catch {
    throw invalid('url must be an http: or https: URL, e.g. https://api.internal/api/v1/realism/personas');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw invalid(`url must be http: or https:, not ${parsed.protocol}`);
  const headers = given.headers ?? {};
  if (typeof headers !== 'function' && (typeof headers !== 'object' || headers === null)) throw invalid('headers must be an object or a function returning one');
  const fetcher = given.fetch ?? (globalThis.fetch as RemoteFetch);
  if (typeof fetcher !== 'function') throw invalid('fetch must be a function');
  if (given.cacheFile !== undefined && (typeof given.cacheFile !== 'string' || given.cacheFile === '')) throw invalid('cacheFile must be a non-empty path');
  return {
    url: parsed.href,
    parsed,
    headers,
    fetch: fetcher,
    waitSeconds: whole('waitSeconds', given.waitSeconds ?? REMOTE_STORE_DEFAULTS.waitSeconds, 0, 3600),
    timeoutMs: whole('timeoutMs', given.timeoutMs ?? REMOTE_STORE_DEFAULTS.timeoutMs, 1, 3_600_000),
    cacheFile: given.cacheFile,
    maxBytes: whole('maxBytes', given.maxBytes ?? REMOTE_STORE_DEFAULTS.maxBytes, 1, 2 ** 31),
  };
}
