// `by` in the file store: kept in the history file's name (the pool file's format unchanged), and
// names written before `by` existed still listed and restorable, without it.
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PersonaPool, versionOf } from '../../../src/index.js';
import { persona, tempDir } from '../../helpers/common.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function fresh(): string {
  const dir = tempDir();
  dirs.push(dir);
  return join(dir, 'personas.json');
}

describe('file store by', () => {
  it('lists an entry of the older name format without by, restores it, and keeps who restored it', async () => {
    const path = fresh();
    const old = `${JSON.stringify([persona(1)], null, 2)}\n`;
    const oldVersion = versionOf(Buffer.from(old));
    fs.mkdirSync(`${path}.history`);
    fs.writeFileSync(join(`${path}.history`, `1-1700000000000-1-${oldVersion}.json`), old);
    const pool = new PersonaPool({ path });
    const now = await pool.replace([persona(2), persona(3)]);
    expect(await pool.history()).toEqual([{ version: oldVersion, savedAt: '2023-11-14T22:13:20.000Z', count: 1 }]);
    await pool.restore(oldVersion, { by: 'bob' });
    const [newest] = await pool.history();
    expect(newest).toMatchObject({ version: now.version, count: 2, by: 'bob' });
    const file = JSON.parse(fs.readFileSync(path, 'utf8')) as Record<string, unknown>[]; // the personas only, as before
    expect(file.map((entry) => Object.keys(entry).includes('by'))).toEqual([false]);
  });

  it('ignores a by part that is not the base64url of a string, and keeps the entry', async () => {
    const path = fresh();
    fs.mkdirSync(`${path}.history`);
    fs.writeFileSync(join(`${path}.history`, '1-1700000000000-0-abc.Zm9v_.json'), '[]\n');
    fs.writeFileSync(join(`${path}.history`, `2-1700000000000-0-def.${Buffer.from('cli:root').toString('base64url')}.json`), '[]\n');
    const history = await new PersonaPool({ path }).history();
    expect(history.map(({ version, by }) => [version, by])).toEqual([['def', 'cli:root'], ['abc', undefined]]);
  });
});
