/**
 * `persona-pool/remote`: a store that follows a persona API over HTTP, {@link remoteStore}. It needs
 * nothing but the global `fetch`; see docs/stores.md, "The remote store".
 *
 * @packageDocumentation
 */
import type { RemoteStoreInput } from './options.js';
import { RemoteStore } from './store.js';

export type { RemoteFetch, RemoteHeaders, RemoteStoreInput, RemoteStoreOptions } from './options.js';
export type { RemoteStore, RemoteTag } from './store.js';

/**
 * A store that follows the persona API at `url` (an endpoint of `createPersonasHandler` on any host),
 * for `new PersonaPool({ store, watch: true })`: no database connection and no database secret per worker.
 *
 * @param options - `url`, and optionally `headers`, `fetch`, `waitSeconds`, `timeoutMs`, `cacheFile`, `maxBytes`.
 * @returns The store.
 * @throws {PersonaPoolError} `INVALID_OPTION` for a url that is not http(s) or a malformed option.
 *
 * @example
 * ```ts
 * import { PersonaPool } from 'persona-pool';
 * import { remoteStore } from 'persona-pool/remote';
 *
 * const store = remoteStore({ url: 'https://api.internal/api/v1/realism/personas', headers: () => ({ authorization: `Bearer ${process.env.TOKEN}` }) });
 * const pool = new PersonaPool({ store, watch: true });
 * ```
 */
export function remoteStore(options: RemoteStoreInput): RemoteStore {
  return new RemoteStore(options);
}
