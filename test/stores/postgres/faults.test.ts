// A PostgreSQL connection lost during a call never crashes the host (issue 19 §1): each fault runs
// in a child process (test/fixtures/pg-faults.mjs, on the built dist/) that must exit 0 with every
// call settled, as a host without `process.on('uncaughtException')` would only if no 'error' event
// went unheard.
import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, runNode } from '../../helpers/common.js';
import { startTestServer, type TestServer } from '../../helpers/postgres-server.mjs';

let server: TestServer;
let config: string;
beforeAll(async () => {
  server = await startTestServer();
  config = JSON.stringify(server.config);
  const { postgresStore } = await import('../../../src/stores/postgres/index.js');
  const client = new pg.Pool({ ...server.config, max: 1 });
  await postgresStore({ client, name: 'setup' }).setup();
  await client.end();
});
afterAll(() => server?.remove());

/** The child of `mode`, its stdout followed; `stop()` ends its stdin (its loop's end). */
function child(name: string, mode: string) {
  const made = spawn(process.execPath, [`${FIXTURES}pg-faults.mjs`, config, name, mode], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  made.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  made.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<{ code: number | null; summary: Record<string, unknown> }>((resolve) => {
    made.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      resolve({ code, summary: last.startsWith('{') ? (JSON.parse(last) as Record<string, unknown>) : { out, err } });
    });
  });
  const until = async (predicate: (out: string) => boolean) => {
    while (!predicate(out) && made.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(made.exitCode, err).toBeNull();
  };
  return { until, stop: () => made.stdin.end(), exit, acked: () => out.split('\n').filter((line) => line.startsWith('acked')).length };
}

describe('PostgreSQL faults during calls', () => {
  it('repro A: the server stopped between load() and replace(): replace rejects STORE_UNAVAILABLE, the host stays up', async () => {
    try {
      const run = await runNode(`${FIXTURES}pg-faults.mjs`, [config, 'stopped', 'stop', JSON.stringify(server.stopCommand)]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ code: 'STORE_UNAVAILABLE/503' });
    } finally {
      server.start();
    }
  });

  it('repro B: 60 rounds of pg_terminate_backend on every other backend, 250 ms apart, under a replace()/update() loop: no crash, every call settles, typed', async () => {
    const writer = child('terminated', 'loop');
    await writer.until((out) => out.includes('ready\n'));
    const admin = new pg.Client(server.config);
    await admin.connect();
    let terminated = 0;
    for (let round = 0; round < 60; round++) {
      const { rows } = await admin.query('SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE pid <> pg_backend_pid()');
      terminated += (rows[0] as { n: number }).n;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await admin.end();
    writer.stop();
    const { code, summary } = await writer.exit;
    expect(code, JSON.stringify(summary)).toBe(0);
    expect(terminated).toBeGreaterThan(60); // the writer's connections were ended, many times
    const codes = summary.codes as Record<string, number>;
    expect(summary.settled).toBe(summary.started);
    expect(Object.keys(codes).every((each) => each === 'ok' || each === 'STORE_UNAVAILABLE/503'), JSON.stringify(codes)).toBe(true);
    expect(codes['STORE_UNAVAILABLE/503']).toBeGreaterThan(0); // the faults did hit calls
    expect(codes.ok).toBeGreaterThan(60);
  });

  it('pg_ctl restart -m immediate during a loop of update()s: every call settles, every acknowledged write is kept, the host stays up', async () => {
    const writer = child('restarted', 'append');
    await writer.until((out) => out.includes('acked 20\n'));
    server.crash();
    const before = writer.acked();
    await writer.until(() => writer.acked() >= before + 20);
    writer.stop();
    const { code, summary } = await writer.exit;
    expect(code, JSON.stringify(summary)).toBe(0);
    expect(summary).toMatchObject({ notCurrent: 0, notKept: 0 });
    expect(summary.settled).toBe(summary.started);
    const codes = summary.codes as Record<string, number>;
    expect(Object.keys(codes).every((each) => each === 'ok' || each === 'STORE_UNAVAILABLE/503'), JSON.stringify(codes)).toBe(true);
  });
});
