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
const PLAIN = /[^"\\\u0000-\u001f]*/y;
const HEX = /^[0-9a-fA-F]$/;
const ESCAPES = '"\\/bfnrt';

/**
 * Scans `text` and returns the offset of the first invalid character (`text.length` at a premature
 * end), at the character V8 blames: the bad escape or control character inside a string, the
 * first letter of a literal that differs. Iterative, so deep nesting cannot overflow the stack.
 */
function errorOffset(text: string): number {
  let at = 0;
  const fail = (): never => {
    throw at;
  };
  const skip = () => {
    while (at < text.length && WHITESPACE.has(text[at] as string)) at++;
  };
  const expect = (char: string) => {
    skip();
    if (text[at] !== char) fail();
    at++;
  };
  const digits = () => {
    const from = at;
    for (let code = text.charCodeAt(at); code >= 0x30 && code <= 0x39; code = text.charCodeAt(at)) at++;
    if (at === from) fail();
  };
  const number = () => {
    if (text[at] === '-') at++;
    if (text[at] === '0') at++;
    else digits();
    if (text[at] === '.') {
      at++;
      digits();
    }
    if (text[at] === 'e' || text[at] === 'E') {
      at++;
      if (text[at] === '+' || text[at] === '-') at++;
      digits();
    }
  };
  const literal = () => {
    const word = ['true', 'false', 'null'].find((candidate) => candidate[0] === text[at]);
    if (word === undefined) return number();
    for (const char of word) {
      if (text[at] !== char) fail();
      at++;
    }
  };
  const string = () => {
    if (text[at] !== '"') fail();
    at++;
    for (;;) {
      PLAIN.lastIndex = at;
      PLAIN.test(text);
      at = PLAIN.lastIndex;
      const char = text[at];
      if (char === '"') return void at++;
      if (char !== '\\') fail(); // a control character, or the end of the text
      at++;
      const escape = text[at];
      if (escape === 'u') {
        for (let i = 0; i < 4; i++) if (!HEX.test(text[++at] ?? '')) fail();
      } else if (escape === undefined || !ESCAPES.includes(escape)) {
        fail();
      }
      at++;
    }
  };
  const key = () => {
    skip();
    string();
    expect(':');
  };
  const closers: string[] = [];
  try {
    for (;;) {
      skip();
      const char = text[at];
      if (char === '[' || char === '{') {
        at++;
        skip();
        const close = char === '[' ? ']' : '}';
        if (text[at] !== close) {
          closers.push(close);
          if (close === '}') key();
          continue;
        }
        at++;
      } else if (char === '"') {
        string();
      } else {
        literal();
      }
      // After a value: close what ends here; a comma then starts the next item.
      for (skip(); closers.length > 0 && text[at] === closers.at(-1); skip()) {
        at++;
        closers.pop();
      }
      if (closers.length === 0) return at;
      expect(',');
      if (closers.at(-1) === '}') key();
    }
  } catch (offset) {
    return typeof offset === 'number' ? offset : text.length;
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
