// An option set to `undefined` is that option's default, for every options-taking export: each row
// probes one option through behaviour, and shows that `undefined` answers as the option left out,
// that this is the documented default, and that the probe does see the option (another value answers
// differently).
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fileStore, inActiveHours, inspectPersonas, inWorkHours, memoryStore, parsePersonas, PersonaPool } from '../src/index.js';
import { FILE_STORE_DEFAULTS } from '../src/stores/file/file-options.js';
import { POOL_DEFAULTS } from '../src/pool/pool-options.js';
import type { FileStoreOptions, OptionsInput, PersonaPoolOptions } from '../src/index.js';
import { outcome, persona, tempDir } from './helpers/common.js';

type PoolInput = OptionsInput<PersonaPoolOptions>;
type FileInput = OptionsInput<FileStoreOptions>;
/** A file pool whose store has `options`. */
const filePool = (options: FileInput): PersonaPool => new PersonaPool({ store: fileStore(options) });


/** A pool file holding one persona without a language, and its folder. */
function poolFile(): { dir: string; file: string } {
  const dir = tempDir();
  const file = join(dir, 'personas.json');
  fs.writeFileSync(file, JSON.stringify([persona(1)]));
  return { dir, file };
}

/** A lock folder on `file`, dated `ageMs` ago, without an owner: held by someone unknown. */
function plantLock(file: string, ageMs: number): string {
  const lock = `${file}.lock`;
  fs.mkdirSync(lock);
  const when = new Date(Date.now() - ageMs);
  fs.utimesSync(lock, when, when);
  return lock;
}

interface Row {
  /** The option. */
  readonly option: string;
  /** What the probe gives with the default. */
  readonly expected: unknown;
  /** A value other than the default, for which the probe gives something else. */
  readonly other: unknown;
  /** Builds a pool with `options` (plus what the probe needs) and observes the option's effect. */
  readonly probe: (options: PoolInput & FileInput) => unknown;
}

const A = '/srv/a/personas.json';
const B = '/srv/b/personas.json';

const POOL_ROWS: readonly Row[] = [
  {
    option: 'path',
    expected: A,
    other: B,
    probe: (options) => new PersonaPool({ ...options, store: options.path === undefined ? fileStore({ env: { DECNET_REALISM_PERSONAS: A } }) : undefined }).resolvePath(),
  },
  {
    option: 'languageDefault',
    expected: 'en',
    other: 'es',
    probe: (options) => new PersonaPool({ path: poolFile().file, ...options }).loadSync()[0]?.language,
  },
  {
    option: 'maxPersonas',
    expected: 'TOO_MANY',
    other: 20_000,
    // 10,001 entries: over the default limit; under 20,000, validated (and all invalid).
    probe: (options) => outcome(() => new PersonaPool({ path: poolFile().file, ...options }).replace(Array(10_001).fill(42))),
  },
  {
    option: 'maxBytes',
    expected: null,
    other: 10,
    probe: (options) => new PersonaPool({ path: poolFile().file, ...options }).snapshotSync().problem?.code ?? null,
  },


  {
    option: 'historyLimit',
    expected: 1,
    other: 0,
    // One replace: the default keeps the version it replaced, 0 keeps none.
    probe: async (options) => {
      const pool = new PersonaPool({ path: poolFile().file, ...options });
      await pool.replace([persona(2)]);
      return (await pool.history()).length;
    },
  },
  {
    option: 'watch',
    expected: false,
    other: true,
    probe: async (options) => {
      const pool = new PersonaPool({ path: poolFile().file, ...options });
      const watching = pool.watching;
      await pool.close();
      return watching;
    },
  },
  {
    option: 'store',
    expected: 'file',
    other: memoryStore(),
    probe: (options) => (new PersonaPool({ ...options, path: options.store === undefined ? poolFile().file : undefined }).location.startsWith('memory:') ? 'memory' : 'file'),
  },
];

const FILE_ROWS: readonly Row[] = [
  {
    option: 'path',
    expected: A,
    other: B,
    probe: (options) => filePool({ env: { DECNET_REALISM_PERSONAS: A }, ...options }).resolvePath(),
  },
  {
    option: 'env',
    expected: A,
    other: { DECNET_REALISM_PERSONAS: B },
    probe: (options) => {
      vi.stubEnv('DECNET_REALISM_PERSONAS', A);
      return filePool(options).resolvePath();
    },
  },  {
    option: 'envVar',
    expected: A,
    other: 'OTHER_POOL',
    probe: (options) => filePool({ env: { DECNET_REALISM_PERSONAS: A, OTHER_POOL: B }, ...options }).resolvePath(),
  },  {
    option: 'userPath',
    expected: join(os.homedir(), '.decnet', 'email_personas.json'),
    other: B,
    // A system path whose folder does not exist: the user path is taken.
    probe: (options) => filePool({ env: {}, systemPath: join(tempDir(), 'missing', 'personas.json'), ...options }).resolvePath(),
  },  {
    option: 'lockStaleMs',
    expected: 'LOCKED',
    other: 2_000,
    // A lock last refreshed 5 s ago: stale after 2 s, not after the default 10 s.
    probe: (options) => {
      const { file } = poolFile();
      plantLock(file, 5_000);
      return outcome(() => filePool({ path: file, lockWaitMs: 0, ...options }).replace([persona(2)]));
    },
  },  {
    option: 'lockWaitMs',
    expected: 'ok',
    other: 0,
    // A fresh lock released after 300 ms: the default wait (15 s) outlasts it, no wait does not.
    probe: (options) => {
      const { file } = poolFile();
      const lock = plantLock(file, 0);
      setTimeout(() => fs.rmSync(lock, { recursive: true, force: true }), 300);
      return outcome(() => filePool({ path: file, ...options }).replace([persona(2)]));
    },
  },  {
    option: 'resolveOnce',
    expected: B,
    other: true,
    probe: (options) => {
      const env = { DECNET_REALISM_PERSONAS: A };
      const pool = filePool({ env, ...options });
      env.DECNET_REALISM_PERSONAS = B;
      return pool.resolvePath();
    },
  },
];

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('PersonaPool options set to undefined', () => {
  it('cover every option of POOL_DEFAULTS, and of FILE_STORE_DEFAULTS with env/userPath but systemPath (below)', () => {
    expect(POOL_ROWS.map((row) => row.option).sort()).toEqual(Object.keys(POOL_DEFAULTS).sort());
    const covered = [...FILE_ROWS.map((row) => row.option), 'systemPath'].sort();
    expect(covered).toEqual([...Object.keys(FILE_STORE_DEFAULTS), 'env', 'userPath'].sort());
  });

  it.each([...POOL_ROWS, ...FILE_ROWS].map((row) => [row.option, row] as const))('%s: undefined is the default', async (option, { expected, other, probe }) => {
    const absent = await probe({});
    expect(absent).toEqual(expected);
    expect(await probe({ [option]: undefined })).toEqual(absent);
    expect(await probe({ [option]: other })).not.toEqual(absent);
  });

  it('systemPath: undefined is the default (/etc/decnet/email_personas.json, or the user path when that is unusable)', () => {
    const dir = tempDir();
    const userPath = join(dir, 'user.json');
    const mine = join(dir, 'system.json');
    fs.writeFileSync(mine, '[]');
    const probe = (options: FileInput) => filePool({ env: {}, userPath, ...options }).resolvePath();
    const absent = probe({});
    expect([FILE_STORE_DEFAULTS.systemPath, userPath]).toContain(absent);
    expect(probe({ systemPath: undefined })).toBe(absent);
    expect(probe({ systemPath: mine })).toBe(mine);
  });

  it('accepts every option as undefined at once, and no options at all, in the types too', async () => {
    const all: Required<PoolInput> = {
      path: undefined,
      languageDefault: undefined,
      maxPersonas: undefined,
      maxBytes: undefined,
      historyLimit: undefined,
      watch: undefined,
      store: undefined,
    };
    expect(new PersonaPool(all).resolvePath()).toBe(new PersonaPool().resolvePath());
    expect(new PersonaPool(undefined).resolvePath()).toBe(new PersonaPool({}).resolvePath());
  });

  it('still rejects a malformed value that is not undefined', () => {
    expect(() => new PersonaPool({ maxBytes: null as unknown as number })).toThrow(/maxBytes/);
  });

  it('ignores a __proto__ key, as from parsed JSON, and sets no prototype', () => {
    const config = JSON.parse('{"__proto__": {"maxBytes": 1}, "languageDefault": "fr"}') as PoolInput;
    const { file } = poolFile();
    const pool = new PersonaPool({ ...config, path: file });
    expect(pool.snapshotSync().problem).toBeNull();
    expect(pool.loadSync()[0]?.language).toBe('fr');
  });
});

describe('per-call options set to undefined', () => {
  it('read options: languageDefault undefined is the pool’s', async () => {
    const pool = new PersonaPool({ path: poolFile().file, languageDefault: 'de' });
    expect(pool.loadSync({ languageDefault: undefined })[0]?.language).toBe('de');
    expect((await pool.load({ languageDefault: undefined }))[0]?.language).toBe('de');
    expect(pool.snapshotSync({ languageDefault: undefined }).personas[0]?.language).toBe('de');
    expect((await pool.snapshot({ languageDefault: undefined })).personas[0]?.language).toBe('de');
    expect(pool.loadSync({ languageDefault: 'it' })[0]?.language).toBe('it');
  });

  it('replace options: ifMatch undefined is no condition', async () => {
    const pool = new PersonaPool({ path: poolFile().file });
    expect(await outcome(() => pool.replace([persona(2)], { ifMatch: undefined }))).toBe('ok');
    expect(await outcome(() => pool.replace([persona(3)], { ifMatch: 'not-the-version' }))).toBe('VERSION_MISMATCH');
  });

  it('parse options: languageDefault undefined is en, for parsePersonas and inspectPersonas', () => {
    const raw = JSON.stringify([persona(1)]);
    expect(parsePersonas(raw, { languageDefault: undefined })[0]?.language).toBe('en');
    expect(inspectPersonas(raw, { languageDefault: undefined }).personas[0]?.language).toBe('en');
    expect(parsePersonas(raw, undefined)[0]?.language).toBe('en');
    expect(parsePersonas(raw, { languageDefault: 'es' })[0]?.language).toBe('es');
  });

  it('hours options: timeZone undefined is the local wall clock, for inWorkHours and inActiveHours', () => {
    const now = new Date();
    const hour = now.getHours();
    const window = `${hour}:00-${(hour + 1) % 24}:00`;
    // A zone whose wall hour now differs from the local one (+14 and -11 differ by a day and an hour).
    const elsewhere = ['Pacific/Kiritimati', 'Pacific/Pago_Pago'].find(
      (timeZone) => Number(new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(now)) !== hour,
    );
    expect(inWorkHours(window, now, { timeZone: undefined })).toBe(true);
    expect(inActiveHours({ active_hours: window }, now, { timeZone: undefined })).toBe(true);
    expect(inWorkHours(window, undefined, { timeZone: undefined })).toBe(inWorkHours(window));
    expect(inWorkHours(window, now, { timeZone: elsewhere })).toBe(false);
  });
});
