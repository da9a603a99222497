// Real processes: API servers (test/fixtures/remote-api.mjs) and workers with a remote pool
// (test/fixtures/remote-worker.mjs), on 127.0.0.1. Needs the build (dist/).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { runBin, sandbox, SAMPLE } from '../../helpers/cli.js';
import { runNode, tempDir, waitFor } from '../../helpers/common.js';
import { fileDatabase } from '../../helpers/postgres.js';

const API = fileURLToPath(new URL('../../fixtures/remote-api.mjs', import.meta.url));
const WORKER = fileURLToPath(new URL('../../fixtures/remote-worker.mjs', import.meta.url));

interface Running {
  readonly child: ChildProcess;
  readonly lines: string[];
  readonly stderr: () => string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
});

function start(script: string, args: readonly string[]): Running {
  const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let rest = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split('\n');
    rest = parts.pop() ?? '';
    lines.push(...parts);
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, lines, stderr: () => stderr };
}

async function api(args: readonly string[]): Promise<{ url: string; running: Running }> {
  const running = start(API, args);
  await waitFor(() => running.lines.length > 0);
  return { url: running.lines[0] as string, running };
}

function stop(running: Running): Promise<void> {
  return new Promise((resolve) => {
    running.child.once('exit', () => resolve());
    running.child.kill('SIGKILL');
  });
}

const last = (running: Running): unknown => JSON.parse(running.lines.at(-1) ?? 'null');

describe('remote store: real processes', () => {
  it('a watching worker sees a persona-pool import on the server host; survives the API killed and restarted; a worker started while it is down serves the cache file', async () => {
    const box = sandbox();
    const file = join(tempDir(), 'personas.json');
    const cacheFile = join(tempDir(), 'cache.json');
    await new PersonaPool({ path: file }).replace([SAMPLE[0]]);
    const server = await api(['file', file, '0']);
    const port = new URL(server.url).port;
    const worker = start(WORKER, [server.url, 'watch', cacheFile]);
    await waitFor(() => JSON.stringify(last(worker)) === '{"count":1,"problem":null}');
    // An import on the server's host, by the CLI, into the file the API serves.
    expect((await runBin(['import', box.file('three.json', SAMPLE), '--pool', file], box.env)).code).toBe(0);
    await waitFor(() => JSON.stringify(last(worker)) === '{"count":3,"problem":null}');
    // The API killed: the worker serves the cache (CACHED), never crashes.
    await stop(server.running);
    await waitFor(() => JSON.stringify(last(worker)) === '{"count":3,"problem":"CACHED"}');
    // A worker started while it is down serves the cache file at once.
    const late = start(WORKER, [server.url, 'watch', cacheFile]);
    await waitFor(() => late.lines.length > 0);
    expect(last(late)).toEqual({ count: 3, problem: 'CACHED' });
    // Changed while the API is down, then the API back on its port: both workers follow the live pool.
    await new PersonaPool({ path: file }).replace(SAMPLE.slice(0, 2));
    await api(['file', file, port]);
    await waitFor(() => JSON.stringify(last(worker)) === '{"count":2,"problem":null}' && JSON.stringify(last(late)) === '{"count":2,"problem":null}');
    expect(worker.child.exitCode).toBeNull();
    expect(worker.lines.map((line) => JSON.parse(line) as { error?: string }).filter((line) => line.error !== undefined)).toEqual([]);
  });
});

describe('remote store: racing writers through two API servers on one PostgreSQL pool', () => {
  const postgres = fileDatabase();

  it('4 processes × 25 update() increments = 100 personas, none lost', async () => {
    const client = new pg.Pool({ ...postgres.config, max: 2 });
    const store = postgresStore({ client, name: 'race' });
    await store.setup();
    const config = JSON.stringify(postgres.config);
    const apis = await Promise.all([api(['postgres', config, 'race', '0']), api(['postgres', config, 'race', '0'])]);
    const runs = await Promise.all([0, 1, 2, 3].map((id) => runNode(WORKER, [apis[id % 2]?.url as string, 'increment', String(id), '25'])));
    await client.end();
    for (const run of runs) expect(run.stderr.slice(0, 800)).toBe('');
    for (const run of runs) expect(run).toMatchObject({ code: 0, stdout: 'done' });
    const check = new pg.Pool({ ...postgres.config, max: 1 });
    expect(await new PersonaPool({ store: postgresStore({ client: check, name: 'race' }) }).load()).toHaveLength(100);
    await check.end();
  });
});
