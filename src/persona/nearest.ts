// "Did you mean …?": the known name nearest to a misspelt one, by a small edit distance.

/**
 * The optimal-string-alignment distance (Damerau–Levenshtein without repeated edits of one
 * substring): the fewest insertions, deletions, substitutions and swaps of two adjacent characters
 * that turn `a` into `b`. Counted in UTF-16 code units; meant for short ASCII names.
 *
 * @param a - One string.
 * @param b - The other.
 * @param max - The largest distance of interest: anything further is reported as `max + 1`, early.
 * @returns The distance, at most `max + 1`.
 *
 * @example
 * ```ts
 * editDistance('activ_hours', 'active_hours', 2); // 1
 * editDistance('langauge', 'language', 2); // 1: one swap
 * ```
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const same = a[i - 1] === b[j - 1];
      let cost = Math.min((previous[j] as number) + 1, (row[j - 1] as number) + 1, (previous[j - 1] as number) + (same ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, (before[j - 2] as number) + 1);
      row.push(cost);
    }
    // Row minima never fall, so once a whole row is past `max` the distance is too.
    if (Math.min(...row) > max) return max + 1;
    before = previous;
    previous = row;
  }
  return Math.min(previous[b.length] as number, max + 1);
}

/** How far a misspelling may be from a name of this length: one edit for short names, two for longer. */
function allowance(name: string): number {
  return name.length <= 5 ? 1 : 2;
}

/** A name as compared: lower case, `-` and spaces as `_` (so `Active-Hours` is near `active_hours`). */
function folded(name: string): string {
  return name.toLowerCase().replace(/[- ]/g, '_');
}

/**
 * The known name nearest to `word`, if one is near enough to be what was meant: case, `-` and
 * spaces aside, at most one edit away from a name of up to five characters and two from a longer one.
 * On a tie, the first of `names` wins.
 *
 * @param word - The unknown name, as written.
 * @param names - The known names.
 * @returns The suggestion, or undefined.
 *
 * @example
 * ```ts
 * nearestName('reply_latancy', PERSONA_FIELDS); // 'reply_latency'
 * nearestName('date', PERSONA_FIELDS); // undefined: `name` is two edits away, too far for four letters
 * ```
 */
export function nearestName(word: string, names: readonly string[]): string | undefined {
  const wanted = folded(word);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const limit = allowance(name);
    const distance = editDistance(wanted, folded(name), limit);
    if (distance <= limit && distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  return best;
}
