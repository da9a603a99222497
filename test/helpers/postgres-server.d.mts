// Types of postgres-server.mjs (plain JS, so the benchmarks can use it too).
/** The PostgreSQL binaries' folder, or undefined where none is installed. */
export function postgresBin(): string | undefined;

/** A running test server and how to reach, stop and restart it. */
export interface TestServer {
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly user: string;
  readonly password: string;
  readonly database: string;
  /** `pg.Pool`/`pg.Client` options for this server. */
  readonly config: { host: string; port: number; user: string; password: string; database: string };
  /** Stops the server (fast shutdown: sessions are ended). */
  stop(): void;
  /** Starts it again, on the same port and data. */
  start(): void;
  /** The command line (program first) of {@link TestServer.stop}, for a child process to run itself. */
  readonly stopCommand: readonly string[];
  /** `pg_ctl restart -m immediate`: every server process killed at once, then a start with crash recovery. */
  crash(): void;
  /** Stops it and removes its folder. */
  remove(): void;
}

/** Starts a fresh server (max_connections 60 unless given); call `remove()` in `afterAll`. */
export function startTestServer(options?: { maxConnections?: number }): Promise<TestServer>;
