// Rows 1–6 and 10, one per process (`node --expose-gc rows.mjs <row>`), so no row inherits another's JIT
// state or heap. Prints the row's figures as JSON on stdout.
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { parsePersonas, PersonaPool } from '../../dist/index.js';
import { interleave } from './measure.mjs';
import { generatePersonas, personasText } from './personas.mjs';

const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-'));
const file = join(dir, 'personas.json');

/** A pool of 50 personas on disk, read once, so every later read is a cache hit. */
function cachedPool() {
  fs.writeFileSync(file, personasText(50));
  const pool = new PersonaPool({ path: file });
  if (pool.loadSync().length !== 50) throw new Error('the bench personas must all be valid');
  return pool;
}

const plainStat = { fn: () => fs.statSync(file) };

/** Writes `bytes` as the library does, without the library: a temporary file, fsync, rename. */
async function writeRenamed(target, bytes) {
  const temp = `${target}.tmp`;
  const handle = await fs.promises.open(temp, 'w');
  await handle.writeFile(bytes);
  await handle.sync();
  await handle.close();
  await fs.promises.rename(temp, target);
}

/** The write protocol alone, without the library: temp file, fsync, rename, then the folder's fsync. */
async function writeDurably(target, bytes) {
  await writeRenamed(target, bytes);
  const folder = await fs.promises.open(dir, 'r');
  await folder.sync();
  await folder.close();
}

const ROWS = {
  // loadSync() cache hit against a plain fs.statSync of the same file.
  1: () => {
    const pool = cachedPool();
    return interleave({ fn: () => pool.loadSync() }, plainStat, { rounds: 41, warmup: 5, iterations: 2000 });
  },
  // load() cache hit, awaited, against a plain fs.statSync of the same file.
  2: () => {
    const pool = cachedPool();
    return interleave({ fn: () => pool.load(), async: true }, plainStat, { rounds: 41, warmup: 5, iterations: 2000 });
  },
  // Heap growth over 1,000,000 cache hits, after a full GC on each side.
  3: () => {
    const pool = cachedPool();
    for (let i = 0; i < 10_000; i++) pool.loadSync();
    globalThis.gc();
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    const start = process.hrtime.bigint();
    for (let i = 0; i < 1_000_000; i++) pool.loadSync();
    const perHit = Number(process.hrtime.bigint() - start) / 1_000_000;
    globalThis.gc();
    globalThis.gc();
    return { growth: process.memoryUsage().heapUsed - before, perHit };
  },
  // parsePersonas of 50 personas, from text, against JSON.parse of the same text.
  4: () => {
    const text = personasText(50);
    return interleave({ fn: () => parsePersonas(text) }, { fn: () => JSON.parse(text) }, { rounds: 21, warmup: 5, iterations: 200, collect: true });
  },
  // parsePersonas of 10,000 personas against JSON.parse of the same text.
  5: () => {
    const text = personasText(10_000);
    if (parsePersonas(text).length !== 10_000) throw new Error('the bench personas must all be valid');
    return interleave({ fn: () => parsePersonas(text) }, { fn: () => JSON.parse(text) }, { rounds: 15, warmup: 3, iterations: 1, collect: true });
  },
  // replace() of 50 personas, lock included, against writing its bytes to a temp file, fsync, rename.
  6: async () => {
    const pool = new PersonaPool({ path: file });
    const personas = generatePersonas(50);
    await pool.replace(personas);
    const bytes = fs.readFileSync(file);
    const other = join(dir, 'baseline.json');
    const baseline = { fn: () => writeRenamed(other, bytes), async: true };
    const row = await interleave({ fn: () => pool.replace(personas), async: true }, baseline, { rounds: 15, warmup: 20, iterations: 5 });
    // For the findings, not the verdict: what the protocol issue 3 requires costs by itself.
    const protocol = await interleave({ fn: () => writeDurably(join(dir, 'protocol.json'), bytes), async: true }, baseline, { rounds: 15, warmup: 20, iterations: 5 });
    return { ...row, protocol: protocol.ratio };
  },
  // Watch mode: a loadSync() hit answered from memory, against a plain fs.statSync of the same file.
  10: async () => {
    fs.writeFileSync(file, personasText(50));
    const pool = new PersonaPool({ path: file, watch: true });
    if (!pool.watching || pool.loadSync().length !== 50) throw new Error('row 10 needs a watched pool of 50 valid personas');
    const row = await interleave({ fn: () => pool.loadSync() }, plainStat, { rounds: 41, warmup: 5, iterations: 2000 });
    if (!pool.watching) throw new Error('the pool of row 10 fell back to stat mode while measured');
    await pool.close();
    return row;
  },
};

try {
  const row = ROWS[process.argv[2]];
  if (!row) throw new Error(`usage: node --expose-gc rows.mjs <${Object.keys(ROWS).join('|')}>`);
  process.stdout.write(JSON.stringify(await row()));
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
