// Rows 18–21: whole processes started side by side with a bare `node -e 0`, pair by pair (the order
// alternating), each figure the median wall time of its runs; the ratio is ours ÷ bare.
// `node test/bench/startup.mjs` prints the rows alone (as JSON).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './measure.mjs';
import { personasText } from './personas.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/bin.js');
const BARE = ['-e', '0'];

/** Starts `node args` once in the package's folder (so `persona-pool` resolves to it) and gives its wall time in ns. */
function timed(args) {
  const start = process.hrtime.bigint();
  const { status, stderr } = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, DEBUG: '' } });
  const elapsed = Number(process.hrtime.bigint() - start);
  if (status !== 0) throw new Error(`node ${args.join(' ')} exited with ${status}: ${stderr}`);
  return elapsed;
}

/** `args` against bare node, `runs` pairs after 2 pairs of warm-up (the file cache). */
function paired(args, runs) {
  const ours = [];
  const base = [];
  for (let run = 0; run < runs + 2; run++) {
    const oursFirst = run % 2 === 0;
    const a = oursFirst ? timed(args) : undefined;
    const b = timed(BARE);
    const a2 = oursFirst ? a : timed(args);
    if (run >= 2) {
      ours.push(a2);
      base.push(b);
    }
  }
  const oursMedian = median(ours);
  const baseMedian = median(base);
  return { ours: oursMedian, base: baseMedian, ratio: oursMedian / baseMedian, runs };
}

/**
 * @param options - `runs`: pairs counted per row (at least 10).
 * @returns Rows 18 (import of the root entry), 19 (of persona-pool/postgres), 20 (`persona-pool path`) and 21 (`persona-pool show`, 50 personas).
 */
export function startupRows({ runs = 15 } = {}) {
  const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-bench-start-'));
  try {
    const file = join(dir, 'personas.json');
    fs.writeFileSync(file, personasText(50));
    return {
      18: paired(['--input-type=module', '-e', "await import('persona-pool')"], runs),
      19: paired(['--input-type=module', '-e', "await import('persona-pool/postgres')"], runs),
      20: paired([BIN, 'path', '--pool', file], runs),
      21: paired([BIN, 'show', '--pool', file], runs),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.stdout.write(`${JSON.stringify(startupRows({ runs: Number(process.argv[2] ?? 15) }), null, 1)}\n`);
}
