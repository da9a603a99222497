// vitest global setup of the "postgres" project: one throwaway PostgreSQL server for the whole run,
// its config provided to the test files (fileDatabase() in postgres.ts), removed in teardown. Without
// PostgreSQL binaries the files get the reason, and fail with it, as they did with a server each.
import type { TestProject } from 'vitest/node';
import type { ProvidedPostgres } from './postgres.js';
import { startTestServer } from './postgres-server.mjs';

/** Starts the server, provides its config; returns the teardown that removes it. */
export default async function setup(project: TestProject): Promise<() => void> {
  try {
    const server = await startTestServer({ maxConnections: 300 });
    project.provide('postgres', { config: server.config } satisfies ProvidedPostgres);
    return () => server.remove();
  } catch (error) {
    project.provide('postgres', { error: error instanceof Error ? error.message : String(error) } satisfies ProvidedPostgres);
    return () => undefined;
  }
}
