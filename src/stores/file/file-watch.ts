import { FolderWatch } from './folder-watch.js';
import type { StoreWatch, StoreWatchListener } from '../types.js';

/**
 * Watches one pool file for the pool (see {@link FolderWatch}): events and a check every second
 * hint at changes; a failure closes the watch for good (the pool then polls on its own).
 *
 * @param path - The pool file.
 * @param listener - The pool's listener.
 * @returns The running watch; `listener.failed` has already been called if it could not start.
 */
export function watchFile(path: string, listener: StoreWatchListener): StoreWatch {
  const watch: FolderWatch = new FolderWatch(path, {
    changed: listener.changed,
    failed: (reason) => {
      watch.close();
      listener.failed(reason);
    },
  });
  const failure = watch.start();
  if (failure !== undefined) {
    watch.close();
    listener.failed(failure);
  }
  return {
    get healthy() {
      return watch.healthy;
    },
    // The folder's watch is up (or failed for good) once watchFile returns: nothing to wait for.
    ready: () => Promise.resolve(),
    close: () => watch.close(),
  };
}
