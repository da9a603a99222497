// Shared by the HTTP tests: personas, temp folders, and pools on them.
import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { PersonaPool } from '../../src/index.js';

export const ANN = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' } as const;
export const BOB = { name: 'Bob Ray', email: 'bob@corp.example', role: 'IT admin' } as const;
export const INVALID = { name: 'No Mail', role: 'ghost' } as const;

export const ADMIN = { username: 'root-ann', role: 'admin' } as const;
export const VIEWER = { username: 'vic', role: 'viewer' } as const;

const folders: string[] = [];

/** A fresh, empty temp folder, removed by {@link removeTempFolders}. */
export function tempFolder(): string {
  const folder = fs.mkdtempSync(join(os.tmpdir(), 'persona-pool-http-'));
  folders.push(folder);
  return folder;
}

/** Removes every folder {@link tempFolder} made. */
export function removeTempFolders(): void {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
}

/** A pool file path in a fresh folder, holding `personas` when given. */
export function poolFile(personas?: readonly unknown[]): string {
  const path = join(tempFolder(), 'personas.json');
  if (personas !== undefined) fs.writeFileSync(path, `${JSON.stringify(personas, null, 2)}\n`);
  return path;
}

/** A pool path that cannot be written by anyone, root included: its folder is a regular file (ENOTDIR). */
export function blockedPoolFile(): string {
  const file = join(tempFolder(), 'a-file');
  fs.writeFileSync(file, 'not a folder\n');
  return join(file, 'personas.json');
}

/** A pool on `path`. */
export function poolAt(path: string, options: { maxPersonas?: number } = {}): PersonaPool {
  return new PersonaPool({ path, ...options });
}

/** The pool file's personas, as on disk. */
export function onDisk(path: string): unknown {
  return JSON.parse(fs.readFileSync(path, 'utf8')) as unknown;
}
