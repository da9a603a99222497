// A kept version this process may not read is not "unknown" (404): restore() says it is kept and
// unreadable (VERSION_UNREADABLE, 500). Run in a child process as an unprivileged user when the tests
// run as root, since root reads a file whatever its mode.
import fs from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { AS_UNPRIVILEGED, FIXTURES, persona, runNode, tempDir } from '../../helpers/common.js';

describe('restore() of a kept version without read permission', () => {
  it('gives VERSION_UNREADABLE (500) naming the file and EACCES, writes nothing; the same version readable restores', async () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o777);
    const file = join(dir, 'personas.json');
    const pool = new PersonaPool({ path: file });
    await pool.replace([persona(1)]);
    await pool.replace([persona(2)]);
    const [kept] = await pool.history();
    const folder = `${file}.history`;
    const [name] = fs.readdirSync(folder);
    const keptFile = join(folder, String(name));
    for (const path of [file, folder]) fs.chmodSync(path, fs.statSync(path).isDirectory() ? 0o777 : 0o666);
    fs.chmodSync(keptFile, 0o000);
    const before = fs.readFileSync(file, 'utf8');
    const restore = async () => JSON.parse((await runNode(join(FIXTURES, 'restore-once.mjs'), [file, String(kept?.version)], AS_UNPRIVILEGED)).stdout) as Record<string, unknown>;
    const outcome = await restore();
    expect(outcome).toMatchObject({ ok: false, code: 'VERSION_UNREADABLE', status: 500 });
    expect(outcome.message).toContain(keptFile);
    expect(outcome.message).toContain('EACCES');
    expect(fs.readFileSync(file, 'utf8')).toBe(before);
    fs.chmodSync(keptFile, 0o644);
    expect(await restore()).toEqual({ ok: true, version: kept?.version });
  });
});
