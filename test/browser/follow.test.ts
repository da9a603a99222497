// followPersonas (persona-pool/browser) in Node, which has fetch but no Web Locks: the one-poll-per-tab
// path, against a scripted server on 127.0.0.1. The tab election runs in Chromium: test/browser/chromium.test.ts.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { followPersonas, type FollowFailure } from '../../src/browser/index.js';
import { createPersonasHandler, PersonaPool, type PersonaPoolError } from '../../src/index.js';
import { ANN, BOB, poolFile, removeTempFolders, VIEWER } from '../helpers/http.js';

interface Answer {
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

let server: Server | undefined;

/** A server answering the n-th request with `answers[n]` (the last one after that), recording each request's headers. */
async function scripted(answers: readonly Answer[]): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  server = createServer((req, res) => {
    const answer = answers[Math.min(seen.length, answers.length - 1)] ?? { status: 500 };
    seen.push(req.headers);
    res.writeHead(answer.status, answer.headers).end(answer.body);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/personas`, seen };
}

afterEach(async () => {
  const open = server;
  server = undefined;
  open?.closeAllConnections();
  if (open) await new Promise((resolve) => open.close(resolve));
});

const pool = (version: string) => ({ status: 200, headers: { etag: `"${version}"`, 'content-type': 'application/json' }, body: JSON.stringify({ personas: [], version }) });
const error = (status: number, detail: string) => ({ status, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ detail }) });
/** A held GET that timed out: 304 with Preference-Applied. */
const unchanged = { status: 304, headers: { etag: '"v1"', 'preference-applied': 'wait=25' } };

/** Follows `url` until `until` says stop (checked after each change and failure). */
function follow(url: string, until: (changes: string[], failures: FollowFailure[]) => boolean, options: { share?: boolean } = {}) {
  const changes: string[] = [];
  const failures: FollowFailure[] = [];
  const stop = new AbortController();
  const check = () => (until(changes, failures) ? stop.abort() : undefined);
  const onChange = (body: { version: string }, etag: string) => (changes.push(`${body.version} ${etag}`), check());
  const onError = (failure: FollowFailure) => (failures.push(failure), check());
  const done = followPersonas({ url, onChange, onError, signal: stop.signal, minDelayMs: 5, maxDelayMs: 20, ...options });
  return { done, changes, failures, stop };
}

describe('followPersonas without Web Locks (one poll per tab)', () => {
  it('delivers each version once, long polling with the last ETag', async () => {
    const { url, seen } = await scripted([pool('v1'), unchanged, pool('v1'), pool('v2')]);
    const run = follow(url, (changes) => changes.length === 2);
    await run.done;
    expect(run.changes).toEqual(['v1 "v1"', 'v2 "v2"']);
    expect(seen[0]?.['if-none-match']).toBeUndefined();
    expect(seen.slice(1).map((headers) => [headers['if-none-match'], headers['prefer']])).toEqual([
      ['"v1"', 'wait=25'],
      ['"v1"', 'wait=25'],
      ['"v1"', 'wait=25'],
    ]);
  });

  it('reports each failure, the network\'s too, and asks again until it gets the pool', async () => {
    const { url, seen } = await scripted([error(503, 'Store down'), { status: 502, body: '<html>bad gateway</html>' }, pool('v1')]);
    const run = follow(url, (changes) => changes.length === 1);
    await run.done;
    expect(run.failures).toEqual([{ status: 503, detail: 'Store down' }, { status: 502, detail: 'HTTP 502' }]);
    expect(seen).toHaveLength(3);
    const closed = follow(url.replace(/:\d+\//, ':1/'), (_, failures) => failures.length === 2);
    await closed.done;
    expect(closed.failures.map((failure) => failure.status)).toEqual([0, 0]);
  });

  it.each([
    [401, 'UNAUTHORIZED', 'Could not validate credentials'],
    [403, 'FORBIDDEN', 'Insufficient permissions'],
  ])('rejects on %i with %s, its status and the server\'s detail, and asks no more', async (status, code, detail) => {
    const { url, seen } = await scripted([error(status, detail), pool('v1')]);
    const run = follow(url, () => false);
    const failure = await run.done.then(() => undefined, (thrown: unknown) => thrown as PersonaPoolError);
    expect(failure).toMatchObject({ name: 'PersonaPoolError', code, status });
    expect(failure?.message).toContain(detail);
    expect(run.failures).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('resolves when stopped while a GET is held, and at once when already stopped', async () => {
    let held = 0;
    server = createServer(() => void (held += 1));
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const stop = new AbortController();
    const done = followPersonas({ url, onChange: () => undefined, signal: stop.signal });
    while (held === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    stop.abort();
    await expect(done).resolves.toBeUndefined();
    await expect(followPersonas({ url, onChange: () => undefined, signal: AbortSignal.abort() })).resolves.toBeUndefined();
    expect(held).toBe(1);
  });

  it.each([
    [{}, /url must be/],
    [{ url: '/p' }, /onChange must be a function/],
    [{ url: '/p', onChange: (): void => undefined, wait: 0 }, /wait must be a whole number of at least 1/],
    [{ url: '/p', onChange: (): void => undefined, minDelayMs: 100, maxDelayMs: 50 }, /maxDelayMs must be a whole number of at least 100/],
    [{ url: '/p', onChange: (): void => undefined, headers: { a: 1 } }, /headers must be a record of strings/],
    [{ url: '/p', onChange: (): void => undefined, credentials: 'all' }, /credentials must be/],
    [{ url: '/p', onChange: (): void => undefined, share: 'yes' }, /share must be a boolean/],
    [{ url: '/p', onChange: (): void => undefined, signal: {} }, /signal must be an AbortSignal/],
    [{ url: '/p', onChange: (): void => undefined, onError: 'log' }, /onError must be a function/],
  ])('refuses %j with INVALID_OPTION, at once', (options, message) => {
    expect(() => followPersonas(options as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message: expect.stringMatching(message) as unknown }) as PersonaPoolError);
  });
});

/** An in-process stand-in for the browser's `navigator.locks`: one holder per name at a time, waiters in order. */
function fakeLocks() {
  const holders = new Map<string, Array<() => void>>();
  return {
    request(name: string, { signal }: { signal: AbortSignal }, callback: () => Promise<void>): Promise<unknown> {
      return new Promise((resolve, reject) => {
        const run = () => {
          holders.set(name, holders.get(name) ?? []);
          void callback().then(resolve, reject).finally(() => {
            const next = holders.get(name)?.shift();
            if (next) next();
            else holders.delete(name);
          });
        };
        const queue = holders.get(name);
        if (queue === undefined) return run();
        const waiting = () => (signal.removeEventListener('abort', abort), run());
        const abort = () => (queue.splice(queue.indexOf(waiting), 1), reject(new Error('AbortError')));
        queue.push(waiting);
        signal.addEventListener('abort', abort, { once: true });
      });
    },
  };
}

describe('followPersonas with Web Locks and BroadcastChannel (tabs in one process)', () => {
  afterEach(() => void vi.unstubAllGlobals());

  it('lets one follower hold the long poll, shares each body, hands over when it stops, and greets a late one', async () => {
    vi.stubGlobal('navigator', { locks: fakeLocks() });
    const path = poolFile([ANN]);
    const pool = new PersonaPool({ path });
    const handle = createPersonasHandler({ pool });
    const held: string[] = [];
    server = createServer((req, res) => {
      if (req.headers['prefer']) held.push(String(req.headers['x-tab']));
      void handle({ method: 'GET', user: VIEWER, headers: req.headers }).then(({ status, headers, body }) => res.writeHead(status, headers).end(body ?? undefined));
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/personas`;
    const tabs = ['a', 'b', 'c'].map((name) => ({ name, versions: [] as string[], stop: new AbortController() }));
    const start = (tab: (typeof tabs)[number]) =>
      followPersonas<{ version: string }>({ url, onChange: (body) => void tab.versions.push(body.version), signal: tab.stop.signal, headers: { 'x-tab': tab.name } });
    const [a, b, c] = tabs as [(typeof tabs)[number], (typeof tabs)[number], (typeof tabs)[number]];
    const running = [start(a), start(b)];
    const until = async (check: () => boolean) => {
      while (!check()) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const v1 = (await pool.snapshot()).version;
    await until(() => a.versions.length === 1 && b.versions.length === 1);
    const v2 = (await pool.replace([ANN, BOB])).version;
    await until(() => a.versions.length === 2 && b.versions.length === 2);
    a.stop.abort();
    const v3 = (await pool.replace([BOB])).version;
    await until(() => b.versions.length === 3);
    running.push(start(c));
    await until(() => c.versions.length === 1);
    expect([a.versions, b.versions, c.versions]).toEqual([[v1, v2], [v1, v2, v3], [v3]]);
    expect([...new Set(held)]).toEqual(['a', 'b']);
    b.stop.abort();
    c.stop.abort();
    await Promise.all(running);
    await pool.close();
    removeTempFolders();
  });
});
