// Row 9: 4 writer processes × 100 replace() and 2 reader processes loading in a loop, on one pool
// file (the fixtures of the multi-process test). Writes/s over the writers' wall time, and the
// reads that were not one whole written list (torn).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

function run(script, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [fixture(script), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${script} exited with ${code}`))));
  });
}

/**
 * @param options - `writers`, `writes` per writer, `readers`.
 * @returns `{ writesPerSecond, writes, seconds, reads, torn, changes }`.
 */
export async function writersRow({ writers = 4, writes = 100, readers = 2 } = {}) {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
  const file = join(dir, 'personas.json');
  const stop = join(dir, 'stop');
  try {
    const reading = Array.from({ length: readers }, () => run('reader.mjs', [file, stop]));
    const start = process.hrtime.bigint();
    await Promise.all(Array.from({ length: writers }, (_, w) => run('writer.mjs', [file, String(w), String(writes)])));
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    fs.writeFileSync(stop, '');
    const reports = (await Promise.all(reading)).map((out) => JSON.parse(out));
    const sum = (key) => reports.reduce((total, report) => total + report[key], 0);
    return { writesPerSecond: (writers * writes) / seconds, writes: writers * writes, seconds, reads: sum('reads'), torn: sum('torn'), changes: sum('changes') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
