import type { CommandOptions } from './commands.js';
import type { PersonaStore } from '../stores/types.js';

/**
 * What is wrong with `--store remote`, if anything.
 *
 * @param options - `--name`, `--pool`, `--output`, `--url`.
 * @returns A usage error, or undefined.
 */
export function remoteMisuse({ name, pool, output, url }: Pick<CommandOptions, 'name' | 'pool' | 'output' | 'url'>): string | undefined {
  if (url === undefined || url === '') return '--store remote needs --url <url> (e.g. --url https://api.internal/api/v1/realism/personas)';
  if (name !== undefined) return '--name needs --store postgres';
  return pool === undefined && output === undefined ? undefined : '--pool and --output name a file: not with --store remote';
}

/**
 * Opens the store `--store remote --url <url>` names; the token, if any, from `PERSONA_POOL_TOKEN`
 * (never from the command line), sent as `authorization: Bearer <token>`.
 *
 * @param url - The API's personas endpoint.
 * @param env - The environment.
 * @returns The store, as `CliStore` (its `setup` does nothing).
 * @throws {PersonaPoolError} `INVALID_OPTION` for a url that is not http(s).
 */
export async function openRemote(url: string, env: NodeJS.ProcessEnv): Promise<{ store: PersonaStore; setup: () => Promise<void>; close: () => Promise<void> }> {
  const { remoteStore } = await import('../stores/remote/index.js');
  const token = env.PERSONA_POOL_TOKEN;
  const headers = token === undefined || token === '' ? {} : { authorization: `Bearer ${token}` };
  const store = remoteStore({ url, headers });
  return { store, setup: async () => undefined, close: () => store.close() };
}
