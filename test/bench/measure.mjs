// Interleaved timing: the measured function and its baseline run in turns (A, B, B, A, A, B…), each
// turn a batch timed with process.hrtime.bigint(), so the noise of a shared machine hits both alike.

/** The median of some numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Whatever the measured calls return lands here, so no call can be optimized away. */
export const sink = { value: undefined };

async function batch({ fn, async: isAsync = false }, iterations, collect) {
  if (collect) globalThis.gc();
  const start = process.hrtime.bigint();
  if (isAsync) {
    for (let i = 0; i < iterations; i++) sink.value = await fn();
  } else {
    for (let i = 0; i < iterations; i++) sink.value = fn();
  }
  return Number(process.hrtime.bigint() - start) / iterations;
}

/**
 * Times `subject` and `baseline` in alternating batches and gives the median time per call of each.
 *
 * @param subject - `{ fn, async }`: the measured call (`async`: awaited).
 * @param baseline - `{ fn, async }`: the call it is compared with.
 * @param options - `rounds` (pairs of batches counted), `warmup` (pairs not counted), `iterations`
 *   (calls per batch), `collect` (a full GC before each batch, outside the timing: needs --expose-gc).
 * @returns `{ ours, base, ratio, rounds }`: the medians in nanoseconds per call, ours / base, and the rounds.
 */
export async function interleave(subject, baseline, { rounds = 21, warmup = 3, iterations = 1000, collect = false } = {}) {
  if (collect && typeof globalThis.gc !== 'function') throw new Error('interleave({ collect: true }) needs node --expose-gc');
  const ours = [];
  const base = [];
  for (let round = 0; round < warmup + rounds; round++) {
    // Which goes first alternates, so neither always runs right after the other.
    const subjectFirst = round % 2 === 0;
    const a = subjectFirst ? await batch(subject, iterations, collect) : undefined;
    const b = await batch(baseline, iterations, collect);
    const a2 = subjectFirst ? a : await batch(subject, iterations, collect);
    if (round >= warmup) {
      ours.push(a2);
      base.push(b);
    }
  }
  const oursMedian = median(ours);
  const baseMedian = median(base);
  return { ours: oursMedian, base: baseMedian, ratio: oursMedian / baseMedian, rounds };
}
