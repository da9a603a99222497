// The store contract (test/stores/contract.ts) against the remote store: each test a fresh pool file
// served by two API servers (node:http, createPersonasHandler) on 127.0.0.1; the store follows one,
// its twin (another host) the other.
import { join } from 'node:path';
import { PersonaPool } from '../../../src/index.js';
import { remoteStore } from '../../../src/stores/remote/index.js';
import { tempDir } from '../../helpers/common.js';
import { testStore } from '../contract.js';
import { serveApi } from './api.js';

testStore('remote (file store behind the API)', async () => {
  const file = join(tempDir('persona-pool-remote-'), 'personas.json');
  const [api, other] = await Promise.all([serveApi(new PersonaPool({ path: file })), serveApi(new PersonaPool({ path: file }))]);
  const store = remoteStore({ url: api.url, waitSeconds: 5 });
  await store.listen(); // so that a watch vouches from the start, as the contract asks
  const twins = [remoteStore({ url: other.url, waitSeconds: 5 })];
  return {
    store,
    twin: () => twins[0] as ReturnType<typeof remoteStore>,
    canonical: true,
    history: false,
    cleanup: async () => {
      await store.close();
      await Promise.all([api.close(), other.close()]);
    },
  };
});
