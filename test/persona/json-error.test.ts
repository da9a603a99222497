import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectPersonas } from '../../src/index.js';
// locateJsonError is internal: it is reached through inspectPersonas, and tested here on its own.
import { locateJsonError } from '../../src/persona/json-error.js';

/** What locateJsonError says about a text that JSON.parse rejects. */
function locate(text: string) {
  try {
    JSON.parse(text);
  } catch (error) {
    return locateJsonError(text, error);
  }
  throw new Error(`${JSON.stringify(text)} is valid JSON`);
}

/** The 1-based line and column of a 0-based offset, counting lines by \n. */
function lineColumn(text: string, offset: number) {
  const before = text.slice(0, offset);
  return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}

/** V8's own position, for the messages that carry one. */
function v8Position(text: string): number | undefined {
  try {
    JSON.parse(text);
  } catch (error) {
    const match = / at position (\d+)/.exec((error as Error).message);
    return match ? Number(match[1]) : undefined;
  }
  return undefined;
}

/** Nothing V8 adds around the reason: where, and the echo of the text. */
const V8_NOISE = /in JSON at position|after JSON at position|is not valid JSON|\(line \d+ column \d+\)|position \d+/;

describe('locateJsonError', () => {
  it.each<[string, string, number, number, string]>([
    // At the start.
    ['a closing brace first', '}', 1, 1, 'Unexpected token \'}\''],
    ['a word first', 'personas: []', 1, 1, 'Unexpected token \'p\''],
    ['a BOM left in the text', '\ufeff[]', 1, 1, 'Unexpected token'],
    ['empty text', '', 1, 1, 'Unexpected end of JSON input'],
    // In the middle.
    ['a trailing comma in a list', '[1,]', 1, 4, 'Unexpected token \']\''],
    ['a trailing comma in an object', '[{"a": 1,}]', 1, 10, 'Expected double-quoted property name'],
    ['a missing colon', '[{"a" 1}]', 1, 7, 'Expected \':\' after property name'],
    ['a missing comma', '[1 2]', 1, 4, 'Expected \',\' or \']\' after array element'],
    ['a bad escape, at the escape', '["ab\\x"]', 1, 6, 'Bad escaped character'],
    ['a bad unicode escape, at the bad digit', '["\\u12g4"]', 1, 7, 'Bad Unicode escape'],
    ['a raw tab in a string, at the tab', '["a\tb"]', 1, 4, 'Bad control character in string literal'],
    ['a misspelt literal, at the first wrong letter', '[tru]', 1, 5, 'Unexpected token \']\''],
    ['a leading zero', '[01]', 1, 3, 'Unexpected number'],
    ['a bare minus', '[-]', 1, 3, 'No number after minus sign'],
    ['text after the list', '[1] x', 1, 5, 'Unexpected non-whitespace character'],
    ['a fault on line 3', '[\n  {"a": 1},\n  {"b": 2,}\n]', 3, 11, 'Expected double-quoted property name'],
    ['a fault after CRLF line ends', '[\r\n  1,\r\n  ]', 3, 3, 'Unexpected token \']\''],
    // At the end.
    ['an unclosed list', '[', 1, 2, 'Unexpected end of JSON input'],
    ['an unclosed object on line 2', '[\n{"a": 1', 2, 8, 'Expected \',\' or \'}\' after property value'],
    ['an unterminated string', '["abc', 1, 6, 'Unterminated string'],
    ['a cut-off literal', '[nul', 1, 5, 'Unexpected end of JSON input'],
    ['a cut-off unicode escape', '["\\u12', 1, 7, 'Bad Unicode escape'],
  ])('%s: line %i, column %i', (_, text, line, column, reason) => {
    expect(locate(text)).toEqual({ reason: expect.stringContaining(reason), line, column });
  });

  it('survives nesting deeper than the stack', () => {
    const text = '['.repeat(200_000);
    expect(locate(text)).toEqual({ reason: 'Unexpected end of JSON input', line: 1, column: 200_001 });
  });

  it.each([
    ['Node 20', 'Unexpected token \']\', "[1,]" is not valid JSON', 'Unexpected token \']\''],
    ['Node 20, a long text', 'Unexpected token \'x\', ..."a": 1, "b": x, "c"... is not valid JSON', 'Unexpected token \'x\''],
    ['Node 20, a position', 'Expected \',\' or \']\' after array element in JSON at position 3', 'Expected \',\' or \']\' after array element'],
    ['Node 22, line and column', 'Expected \',\' or \']\' after array element in JSON at position 3 (line 1 column 4)', 'Expected \',\' or \']\' after array element'],
    ['Node 18', 'Unexpected token ] in JSON at position 3', 'Unexpected token ]'],
    ['after JSON', 'Unexpected non-whitespace character after JSON at position 4', 'Unexpected non-whitespace character'],
    ['a thrown string', 'boom', 'boom'],
  ])('strips V8 wording of %s', (_, message, reason) => {
    expect(locateJsonError('[1 2]', new SyntaxError(message)).reason).toBe(reason);
    expect(locateJsonError('[1 2]', message).reason).toBe(reason);
  });

  it('agrees with V8 wherever V8 gives a position, and leaks none of its wording', () => {
    const broken = fc
      .tuple(fc.json(), fc.nat(), fc.constantFrom('', ',', ']', '}', '"', '\\', ':', '\n', '-', '1', 'x', '\u0001', '{'), fc.boolean())
      .map(([text, at, insert, replace]) => {
        const cut = at % (text.length + 1);
        return text.slice(0, cut) + insert + text.slice(replace ? cut + 1 : cut);
      })
      .filter((text) => {
        try {
          JSON.parse(text);
          return false;
        } catch {
          return true;
        }
      });
    fc.assert(
      fc.property(broken, (text) => {
        const found = locate(text);
        expect(found.reason).not.toMatch(V8_NOISE);
        expect(found.line).toBeGreaterThanOrEqual(1);
        expect(found.column).toBeGreaterThanOrEqual(1);
        const position = v8Position(text);
        if (position !== undefined) expect(found).toMatchObject(lineColumn(text, position));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('INVALID_JSON from inspectPersonas', () => {
  it.each(['[1,]', '{"a": 1,}', '[{"name": "Ann"}', '["a\\q"]', `[${'"x",'.repeat(40)}]`])('%j has a clean message with its place', (text) => {
    const { problem } = inspectPersonas(text);
    expect(problem?.code).toBe('INVALID_JSON');
    expect(problem?.message).not.toMatch(V8_NOISE);
    expect(problem?.message).toMatch(new RegExp(`\\(line ${problem?.line}, column ${problem?.column}\\)$`));
  });
});
