// The store contract (test/stores/contract.ts) against the remote store with the PostgreSQL store
// behind the API: each test a fresh pool name served by two API servers, each with a pg.Pool of its own.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { PersonaPool } from '../../../src/index.js';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { remoteStore } from '../../../src/stores/remote/index.js';
import { testStore } from '../contract.js';
import { fileDatabase } from '../../helpers/postgres.js';
import { serveApi } from './api.js';

const postgres = fileDatabase();
let clients: pg.Pool[];
let n = 0;
beforeAll(async () => {
  clients = [new pg.Pool({ ...postgres.config, max: 10 }), new pg.Pool({ ...postgres.config, max: 10 })];
  await postgresStore({ client: clients[0] as pg.Pool, name: 'setup' }).setup();
});
afterAll(async () => {
  await Promise.all((clients ?? []).map((client) => client.end()));
});

testStore('remote (PostgreSQL store behind the API)', async () => {
  const name = `remote:${++n}`;
  const backs = clients.map((client) => postgresStore({ client, name, reconnectMs: 50 }));
  await Promise.all(backs.map((back) => back.listen()));
  const apis = await Promise.all(backs.map((back) => serveApi(new PersonaPool({ store: back }))));
  const store = remoteStore({ url: apis[0]?.url as string, waitSeconds: 5 });
  await store.listen();
  const twin = remoteStore({ url: apis[1]?.url as string, waitSeconds: 5 });
  return {
    store,
    twin: () => twin,
    canonical: true,
    history: false,
    cleanup: async () => {
      await store.close();
      await Promise.all(apis.map((api) => api.close()));
      await Promise.all(backs.map((back) => back.close()));
    },
  };
});
