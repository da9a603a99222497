import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../helpers/postgres-server.mjs';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.remove());

describe('the test server', () => {
  it('takes the password, refuses a wrong one, and comes back after a restart', async () => {
    const client = new pg.Client(server.config);
    await client.connect();
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    await client.end();
    const wrong = new pg.Client({ ...server.config, password: 'wrong' });
    await expect(wrong.connect()).rejects.toMatchObject({ code: '28P01' });
    server.stop();
    const down = new pg.Client(server.config);
    await expect(down.connect()).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    server.start();
    const again = new pg.Client(server.config);
    await again.connect();
    expect((await again.query('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
    await again.end();
  });
});
