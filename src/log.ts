import { createRequire } from 'node:module';

/** A `debug` logger, as the modules of this package call it. */
export interface Logger {
  (formatter: unknown, ...args: unknown[]): void;
  /** Whether its namespace writes anything. */
  readonly enabled: boolean;
}

type DebugLogger = ((...args: unknown[]) => void) & { readonly enabled: boolean | undefined };
type CreateDebug = (namespace: string) => DebugLogger;

let createDebug: CreateDebug | undefined;

/**
 * Whether logging can be on: `DEBUG` is set (`debug.enable()` sets it too), or `debug` is loaded. So a
 * process without `DEBUG` never loads `debug` (about 10 ms of start-up).
 */
function canLog(): boolean {
  return createDebug !== undefined || (process.env.DEBUG ?? '') !== '';
}

/**
 * A logger for `namespace` that loads `debug` only once logging can be on (see {@link canLog}): at
 * once in a process started with `DEBUG`, as an import of `debug` would.
 *
 * @param namespace - Such as `persona-pool:pool`.
 * @returns A function that logs as `debug(namespace)` would, with its `enabled`.
 */
export function logger(namespace: string): Logger {
  let log: DebugLogger | undefined;
  const real = (): DebugLogger => (log ??= (createDebug ??= createRequire(import.meta.url)('debug') as CreateDebug)(namespace));
  if (canLog()) real();
  const write = (...args: unknown[]): void => {
    if (canLog()) real()(...args);
  };
  return Object.defineProperty(write, 'enabled', { get: () => canLog() && real().enabled === true }) as Logger;
}
