import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { format, stripVTControlCharacters } from 'node:util';
import debug from 'debug';
import { describe, expect, it } from 'vitest';
import { inspectPersonas, parsePersonas, PersonaPool, type PersonaSource } from '../../src/index.js';
import { PERSONA_FIELDS } from '../../src/persona/schema.js';
import { FIXTURES, runNode } from '../helpers/common.js';

const ANN = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' };
const BOB = { name: 'Bob Ray', email: 'bob@corp.example', role: 'SRE', tone: 'technical', language: 'de' };
const json = (value: unknown) => JSON.stringify(value);

/** Runs `run` with the persona-pool debug namespaces on, and returns what they logged. */
function captureDebug(run: () => void): string[] {
  const lines: string[] = [];
  const savedLog = debug.log;
  const previous = debug.disable();
  debug.enable('persona-pool:*');
  debug.log = (...args: unknown[]) => {
    lines.push(stripVTControlCharacters(format(...args)));
  };
  try {
    run();
  } finally {
    debug.log = savedLog;
    debug.disable();
    if (previous) debug.enable(previous);
  }
  return lines;
}

describe('sources that hold no personas', () => {
  it.each<[string, PersonaSource]>([
    ['empty text', ''],
    ['a lone BOM', '\ufeff'],
    ['null', null],
    ['undefined', undefined],
    ['an empty list', '[]'],
    ['an empty parsed list', []],
  ])('%s gives [] and no problem', (_, raw) => {
    expect(parsePersonas(raw)).toEqual([]);
    expect(inspectPersonas(raw)).toEqual({ personas: [], rejected: [], warnings: [], problem: null });
  });

  it.each([
    ['an object', '{"name": "Ann Lee"}'],
    ['a number', '42'],
    ['a string', '"personas"'],
    ['null', 'null'],
    ['a boolean', 'true'],
  ])('JSON that is %s is NOT_A_LIST', (found, raw) => {
    expect(parsePersonas(raw)).toEqual([]);
    expect(inspectPersonas(raw)).toEqual({
      personas: [],
      rejected: [],
      warnings: [],
      problem: { code: 'NOT_A_LIST', message: `expected a JSON list of personas, found ${found}` },
    });
  });

  it('says NOT_A_LIST for an object passed where a list belongs', () => {
    expect(inspectPersonas({ personas: [ANN] } as unknown as PersonaSource).problem?.code).toBe('NOT_A_LIST');
  });

  it('gives INVALID_JSON with the line and column of the fault', () => {
    const raw = `[\n  ${json(ANN)},\n  {"name": "Bob Ray",}\n]\n`;
    const inspection = inspectPersonas(raw);
    expect(inspection.personas).toEqual([]);
    expect(inspection.problem).toEqual({
      code: 'INVALID_JSON',
      message: 'Expected double-quoted property name (line 3, column 22)',
      line: 3,
      column: 22,
    });
    expect(parsePersonas(raw)).toEqual([]);
  });

  it('counts lines and columns after a BOM as an editor shows them', () => {
    expect(inspectPersonas('\ufeff[1,]').problem).toMatchObject({ line: 1, column: 4 });
  });
});

describe('valid personas', () => {
  it('reads JSON text with a leading BOM', () => {
    expect(parsePersonas(`\ufeff${json([ANN])}`)).toMatchObject([ANN]);
  });

  it('reads a list already parsed, without changing its entries', () => {
    const entry = { ...ANN, language: null, nickname: 'annie' };
    const [persona] = parsePersonas([entry]);
    expect(persona).toMatchObject({ ...ANN, language: 'en' });
    expect(persona).not.toBe(entry);
    expect(entry).toEqual({ ...ANN, language: null, nickname: 'annie' });
  });

  it('drops unknown keys', () => {
    const [persona] = parsePersonas(json([{ ...ANN, nickname: 'annie', team: { size: 4 }, id: 7 }]));
    expect(Object.keys(persona ?? {})).toEqual(PERSONA_FIELDS);
  });

  it.each([
    [{}, 'en'],
    [{ languageDefault: 'es' }, 'es'],
    [{ languageDefault: undefined }, 'en'],
  ])('resolves language with options %j to %s, keeping a written one', (options, expected) => {
    const raw = json([ANN, { ...ANN, language: null }, BOB]);
    const personas = parsePersonas(raw, options as { languageDefault?: string });
    expect(personas.map((persona) => persona.language)).toEqual([expected, expected, 'de']);
    expect(inspectPersonas(raw, options as { languageDefault?: string }).personas).toEqual(personas);
  });
});

describe('invalid entries', () => {
  const MIXED = [ANN, { ...ANN, email: 'nobody' }, BOB, 42, { ...BOB, tone: 'Formal' }, { ...ANN, name: 'Cy Zed' }];

  it('keeps the valid ones in input order and reports the others by index', () => {
    const { personas, rejected, problem } = inspectPersonas(json(MIXED));
    expect(problem).toBeNull();
    expect(personas.map((persona) => persona.name)).toEqual(['Ann Lee', 'Bob Ray', 'Cy Zed']);
    expect(rejected).toEqual([
      { index: 1, issues: [{ path: 'email', message: 'email must look like user@domain.tld' }] },
      { index: 3, issues: [{ path: '', message: 'a persona must be a JSON object, found a number' }] },
      { index: 4, issues: [{ path: 'tone', message: 'tone must be one of formal, direct, casual, technical, custom: tones are lower-case ("formal", not "Formal")' }] },
    ]);
    expect(parsePersonas(MIXED)).toEqual(personas);
  });

  it.each([
    [42, 'a number'],
    ['Ann Lee', 'a string'],
    [[ANN], 'a list'],
    [null, 'null'],
    [true, 'a boolean'],
  ])('rejects the entry %j, which is %s', (entry, found) => {
    expect(inspectPersonas([entry]).rejected).toEqual([{ index: 0, issues: [{ path: '', message: `a persona must be a JSON object, found ${found}` }] }]);
  });

  it('gives the path of a bad list item', () => {
    const { rejected } = inspectPersonas(json([{ ...ANN, mannerisms: ['a', 'b', 'c', 4] }]));
    expect(rejected[0]?.issues).toEqual([{ path: 'mannerisms.3', message: 'each mannerism must be text' }]);
  });

  it('never throws, even for an entry that throws when read', () => {
    const hostile = { ...ANN };
    Object.defineProperty(hostile, 'role', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(inspectPersonas([hostile, ANN])).toMatchObject({
      personas: [ANN],
      rejected: [{ index: 0, issues: [{ path: '', message: 'the entry could not be read: Error: boom' }] }],
    });
    expect(() => parsePersonas([hostile])).not.toThrow();
  });
});

describe('prototype keys', () => {
  const PROTOTYPE_BEFORE = Object.getOwnPropertyNames(Object.prototype);
  const RAW = `[{
    "name": "Ann Lee", "email": "ann@corp.example", "role": "CFO",
    "__proto__": {"polluted": true, "tone": "casual"},
    "constructor": {"prototype": {"polluted": true}},
    "prototype": {"polluted": true}
  }]`;

  it('never reach a prototype, and the output has only the eleven fields', () => {
    const [persona] = parsePersonas(RAW);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(PROTOTYPE_BEFORE);
    expect(Object.getPrototypeOf(persona)).toBe(Object.prototype);
    expect(Object.keys(persona ?? {})).toEqual(PERSONA_FIELDS);
    expect(Object.getOwnPropertyNames(persona)).toEqual(PERSONA_FIELDS);
    expect(persona?.tone).toBe('formal');
  });

  it('do not lend their fields to an entry', () => {
    const raw = '[{"__proto__": {"name": "Ann Lee", "email": "ann@corp.example", "role": "CFO"}}]';
    expect(inspectPersonas(raw).rejected[0]?.issues.map((issue) => issue.message)).toEqual(['name is required', 'email is required', 'role is required']);
  });
});

describe('logging through debug', () => {
  it('logs each dropped entry of parsePersonas with its index and reasons', () => {
    const lines = captureDebug(() => parsePersonas(json([ANN, { ...ANN, email: 'nobody' }, 'x'])));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('persona-pool:parse');
    expect(lines[0]).toContain('dropped persona #1: email must look like user@domain.tld');
    expect(lines[1]).toContain('dropped persona #2: a persona must be a JSON object, found a string');
  });

  it('logs why a whole source yields nothing', () => {
    const [line] = captureDebug(() => parsePersonas('{"a": 1}'));
    expect(line).toContain('persona-pool:parse');
    expect(line).toContain('no personas: NOT_A_LIST: expected a JSON list of personas, found an object');
  });

  it('stays quiet for a clean source', () => {
    expect(captureDebug(() => parsePersonas(json([ANN])))).toEqual([]);
  });

  it('logs the warnings of parsePersonas, and looks for them only while the namespace is enabled', () => {
    let listed = 0;
    const watched = new Proxy({ ...ANN, activ_hours: '9-5' }, {
      ownKeys(target) {
        listed++;
        return Reflect.ownKeys(target);
      },
    });
    expect(parsePersonas([watched])).toHaveLength(1);
    expect(inspectPersonas([watched], { warnings: false }).personas).toHaveLength(1);
    expect(listed).toBe(0);
    const lines = captureDebug(() => parsePersonas([watched]));
    expect(listed).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('persona-pool:parse warning for persona #0: UNKNOWN_FIELD: unknown field "activ_hours" is ignored; did you mean "active_hours"?');
  });

  it('looks for warnings on a read only while logging: not in a process started without DEBUG', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-parse-'));
    try {
      const file = join(dir, 'personas.json');
      fs.writeFileSync(file, json([ANN, { ...BOB, activ_hours: '9-5' }]));
      const script = join(FIXTURES, 'warning-passes.mjs');
      const { PATH } = process.env;
      const quiet = await runNode(script, [file], { env: { PATH } });
      expect(JSON.parse(quiet.stdout)).toEqual({ loadSync: 0, parsePersonas: 0, inspectQuiet: 0, inspect: 2 });
      const logging = await runNode(script, [file], { env: { PATH, DEBUG: 'persona-pool:*' } });
      expect(JSON.parse(logging.stdout)).toEqual({ loadSync: 2, parsePersonas: 2, inspectQuiet: 0, inspect: 2 });
      expect(logging.stderr).toMatch(/persona-pool:pool .+: warning for persona #1: UNKNOWN_FIELD: unknown field "activ_hours"/);
      expect(logging.stderr).toMatch(/persona-pool:parse warning for persona #1: UNKNOWN_FIELD/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs the warnings of a file a pool reads', async () => {
    const dir = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-parse-'));
    try {
      const file = join(dir, 'personas.json');
      fs.writeFileSync(file, json([ANN, { ...BOB, email: 'ANN@corp.example' }]));
      const pool = new PersonaPool({ path: file });
      expect(await pool.load()).toHaveLength(2);
      pool.resetCache();
      let read: readonly unknown[] = [];
      const lines = captureDebug(() => (read = pool.loadSync()));
      expect(read).toHaveLength(2);
      expect(lines.filter((line) => line.includes('warning'))).toEqual([
        expect.stringContaining(`persona-pool:pool ${file}: warning for persona #1: DUPLICATE_EMAIL: email "ANN@corp.example" is already the email of entry #0`),
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
