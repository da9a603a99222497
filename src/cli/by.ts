import { userInfo } from 'node:os';
import { fitBy } from '../pool/by.js';

/**
 * Who the CLI writes as, for the history's `by`: `cli:<login>`, the login of the user running it
 * (`os.userInfo()`; where it has none, `$USER` or `$LOGNAME`), cut to fit.
 *
 * @param env - The environment, for the fallback.
 * @returns `cli:<login>`, or `cli:unknown`.
 */
export function cliBy(env: Readonly<Record<string, string | undefined>>): string {
  let login: string | undefined;
  try {
    login = userInfo().username;
  } catch {
    login = env['USER'] ?? env['LOGNAME'];
  }
  return fitBy(`cli:${login === undefined || login === '' ? 'unknown' : login}`) ?? 'cli:unknown';
}
