// `persona-pool import` validates the file to report on it, and PersonaPool.replace validates what it
// writes: no hidden channel carries the first validation to the second (issue 22). A counter around
// inspectPersonas proves how often each runs.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as Parse from '../../src/persona/parse.js';
import { PersonaPool } from '../../src/index.js';
import { BAD_EMAIL, runMain, SAMPLE, sandboxEach } from '../helpers/cli.js';
import { persona } from '../helpers/common.js';

const validated = vi.hoisted(() => ({ calls: 0, entries: 0 }));

vi.mock('../../src/persona/parse.js', async (importOriginal) => {
  const real = await importOriginal<typeof Parse>();
  const inspectPersonas: typeof real.inspectPersonas = (raw, options) => {
    const inspection = real.inspectPersonas(raw, options);
    validated.calls++;
    validated.entries += inspection.personas.length + inspection.rejected.length;
    return inspection;
  };
  return { ...real, inspectPersonas };
});

const box = sandboxEach();

beforeEach(() => {
  validated.calls = 0;
  validated.entries = 0;
});

describe('import', () => {
  it('validates in the command and again in the pool, with the same report and the same pool as before', async () => {
    const entries = [SAMPLE[0], BAD_EMAIL, SAMPLE[1], SAMPLE[2]];
    const result = await runMain(['import', box.file('mixed.json', entries)], box.env);
    expect(validated).toEqual({ calls: 2, entries: 8 });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`Imported 3 personas to ${box.pool}\n`);
    expect(result.stderr).toContain('Warning: 1 of 4 entries in');
    expect(result.stderr).toContain('#1 "Dana Fox": email must look like user@domain.tld');
    validated.calls = 0;
    expect((await new PersonaPool({ path: box.pool }).load()).map((entry) => entry.name)).toEqual(['Ann Lee', 'Bruno Costa', 'Chen Wei']);
  });

  it('validate validates once; import twice (its report, then the pool)', async () => {
    const file = box.file('personas.json', SAMPLE);
    expect((await runMain(['validate', file], box.env)).code).toBe(0);
    expect((await runMain(['import', file], box.env)).code).toBe(0);
    expect(validated).toEqual({ calls: 3, entries: 9 });
  });
});

describe('PersonaPool.replace', () => {
  it('validates a list that was not validated through the command line, every time', async () => {
    const pool = new PersonaPool({ path: box.pool });
    const list = [persona(1), persona(2)];
    await pool.replace(list);
    await pool.replace(list);
    expect(validated).toEqual({ calls: 2, entries: 4 });
  });
});
