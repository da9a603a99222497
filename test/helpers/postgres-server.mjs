// A throwaway PostgreSQL server for the tests: initdb into a temporary folder (a password for the
// test user, scram-sha-256 on 127.0.0.1), a free port, `pg_ctl -w`; stop, restart and remove.
// As root, the server runs as the `postgres` user (PostgreSQL refuses root), created if missing.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { join } from 'node:path';

/** The PostgreSQL binaries' folder, or undefined where none is installed. */
/** @returns {string | undefined} */
export function postgresBin() {
  const onPath = (process.env.PATH ?? '').split(':').find((dir) => dir !== '' && fs.existsSync(join(dir, 'initdb')) && fs.existsSync(join(dir, 'pg_ctl')));
  if (onPath !== undefined) return onPath;
  const root = '/usr/lib/postgresql';
  const versions = fs.existsSync(root) ? fs.readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  return versions.map((version) => join(root, version, 'bin')).find((dir) => fs.existsSync(join(dir, 'initdb')));
}

const IS_ROOT = process.getuid?.() === 0;

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL binary, as `postgres` when this process is root. */
/**
 * @param {string} bin
 * @param {string} command
 * @param {readonly string[]} args
 * @returns {string}
 */
function asServerUser(bin, command, args) {
  /** @type {[string, string[]]} */
  const [file, argv] = IS_ROOT ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), [...args]];
  return execFileSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: os.tmpdir() });
}

function ensureServerUser() {
  if (!IS_ROOT) return;
  try {
    execFileSync('id', ['postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres'], { stdio: 'ignore' });
  }
}

/**
 * Starts a fresh server; call `remove()` in `afterAll`.
 *
 * @param {{ maxConnections?: number }} [options] `maxConnections`: the server's max_connections (60).
 * @returns {Promise<import('./postgres-server.d.mts').TestServer>} The server.
 */
export async function startTestServer({ maxConnections = 60 } = {}) {
  const bin = postgresBin();
  if (bin === undefined) throw new Error('No PostgreSQL binaries (initdb, pg_ctl): install the postgresql package (.ci/run does)');
  ensureServerUser();
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-pg-'));
  if (IS_ROOT) execFileSync('chown', ['postgres:', dir]);
  const user = 'persona_test';
  const password = `pw-${Math.random().toString(36).slice(2)}-secret`;
  const pwfile = join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (IS_ROOT) execFileSync('chown', ['postgres:', pwfile]);
  const data = join(dir, 'data');
  asServerUser(bin, 'initdb', ['-D', data, '-U', user, `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${maxConnections}`;
  const start = () => void asServerUser(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-w', '-t', '30', 'start']);
  const stop = () => void asServerUser(bin, 'pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  const ctl = [join(bin, 'pg_ctl'), '-D', data, '-m', 'fast', '-w', 'stop'];
  const stopCommand = IS_ROOT ? ['runuser', '-u', 'postgres', '--', ...ctl] : ctl;
  const crash = () => void asServerUser(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'log'), '-m', 'immediate', '-w', '-t', '60', 'restart']);
  start();
  const database = 'persona_test';
  const config = { host: '127.0.0.1', port, user, password, database };
  const { default: pg } = await import('pg');
  const admin = new pg.Client({ ...config, database: 'postgres' });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    try {
      stop();
    } catch {
      // already stopped
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { host: '127.0.0.1', port, user, password, database, config, stop, start, remove, stopCommand, crash };
}
