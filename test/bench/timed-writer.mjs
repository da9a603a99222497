// The writer of row 12, in its own process: `node timed-writer.mjs <file>`. For each line on stdin, a
// count n: replaces the pool with n personas, then prints `{ version, started, renamed, ended }`:
// process.hrtime.bigint() (a monotonic clock all processes share) when replace() was called, when its
// rename put the new file in place (fs.renameSync wrapped, for the bench only), and when it resolved.
import fs from 'node:fs';
import { createInterface } from 'node:readline';
import { PersonaPool } from '../../dist/index.js';

const [file] = process.argv.slice(2);
const pool = new PersonaPool({ path: file });
let renamed = 0n;
const rename = fs.renameSync;
fs.renameSync = (from, to) => {
  rename(from, to);
  renamed = process.hrtime.bigint();
};
const persona = (k, n) => ({ name: `Persona ${k} of ${n}`, email: `p${k}.${n}@corp.example`, role: 'Clerk' });
for await (const line of createInterface({ input: process.stdin })) {
  const n = Number(line);
  const started = process.hrtime.bigint();
  const { version } = await pool.replace(Array.from({ length: n }, (_, k) => persona(k, n)));
  const ended = process.hrtime.bigint();
  process.stdout.write(`${JSON.stringify({ version, started: String(started), renamed: String(renamed), ended: String(ended) })}\n`);
}
