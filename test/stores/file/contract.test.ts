import fs from 'node:fs';
import { join } from 'node:path';
import { fileStore } from '../../../src/index.js';
import { tempDir } from '../../helpers/common.js';
import { testStore } from '../contract.js';

testStore('file', () => {
  const dir = tempDir();
  const path = join(dir, 'personas.json');
  return { store: fileStore({ path }), twin: () => fileStore({ path }), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
});
