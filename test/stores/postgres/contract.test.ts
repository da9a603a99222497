// The store contract (test/stores/contract.ts) against the PostgreSQL store on a real server: each
// test a fresh pool name; the twin is a store on a pg.Pool of its own, as another host would be.
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { postgresStore } from '../../../src/stores/postgres/index.js';
import { testStore } from '../contract.js';
import { fileDatabase } from '../../helpers/postgres.js';

const postgres = fileDatabase();
let client: pg.Pool;
let other: pg.Pool;
let n = 0;
beforeAll(async () => {
  client = new pg.Pool({ ...postgres.config, max: 10 });
  other = new pg.Pool({ ...postgres.config, max: 10 });
  await postgresStore({ client, name: 'setup' }).setup();
});
afterAll(async () => {
  await client?.end();
  await other?.end();
});

testStore('postgres', async () => {
  const name = `contract:${++n}`;
  const store = postgresStore({ client, name, reconnectMs: 50 });
  await store.listen(); // so that a watch vouches from the start, as the contract asks
  return { store, twin: () => postgresStore({ client: other, name, reconnectMs: 50 }), cleanup: () => store.close() };
});
