/**
 * Where a JSON text stops being valid, found by a small scanner, because V8's messages carry a
 * position for some errors only and the wording differs between Node versions.
 */
export interface JsonErrorLocation {
  /** The reason, without V8's position suffix. */
  readonly reason: string;
  /** 1-based line of the first offending character. */
  readonly line: number;
  /** 1-based column (in UTF-16 units) of the first offending character. */
  readonly column: number;
}

const WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;

/** Scans `text` and returns the offset of the first invalid character (`text.length` at a premature end). */
function errorOffset(text: string): number {
  let at = 0;
  const skip = () => {
    while (at < text.length && WHITESPACE.has(text[at] as string)) at++;
  };
  const match = (pattern: RegExp) => {
    pattern.lastIndex = at;
    if (!pattern.test(text)) throw at;
    at = pattern.lastIndex;
  };
  const expect = (char: string) => {
    skip();
    if (text[at] !== char) throw at;
    at++;
  };
  const list = (close: string, item: () => void) => {
    at++;
    skip();
    if (text[at] === close) return void at++;
    for (;;) {
      item();
      skip();
      if (text[at] === close) return void at++;
      expect(',');
    }
  };
  const value = (): void => {
    skip();
    const char = text[at];
    if (char === '{') return list('}', () => (skip(), match(STRING), expect(':'), value()));
    if (char === '[') return list(']', value);
    if (char === '"') return match(STRING);
    for (const word of ['true', 'false', 'null']) if (text.startsWith(word, at)) return void (at += word.length);
    match(NUMBER);
  };
  try {
    value();
    skip();
    return at;
  } catch (offset) {
    return offset as number;
  }
}

/**
 * Describes why `JSON.parse(text)` failed, with the line and column of the fault.
 *
 * @param text - The text that failed to parse.
 * @param error - What `JSON.parse` threw.
 * @returns The reason and its 1-based line and column.
 */
export function locateJsonError(text: string, error: unknown): JsonErrorLocation {
  const offset = Math.min(errorOffset(text), text.length);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  const raw = error instanceof Error ? error.message : String(error);
  const reason = raw
    .replace(/ \(line \d+ column \d+\)$/, '')
    .replace(/,? ?(?:in|after) JSON at position \d+$/, '')
    .replace(/, (?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '');
  return { reason, line, column };
}
