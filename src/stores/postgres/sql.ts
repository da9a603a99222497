/** The SQL of one table, built from a table name that `TABLE_PATTERN` accepted (never from anything else). */
export interface PostgresSql {
  /** The `NOTIFY` channel: the table's name. */
  readonly channel: string;
  /** Creates the tables and index if missing (run under an advisory lock). */
  readonly setup: readonly string[];
  /** $1 name, $2 the version known (or null), $3 maxBytes: version, size, and the content unless unchanged or too large. */
  readonly read: string;
  /** As `read`, locking the row (`FOR UPDATE`). */
  readonly lockRow: string;
  /** $1 name, $2 count: copies the current row into the history. */
  readonly keep: string;
  /** $1 name, $2 limit: deletes the history past the newest `limit`. */
  readonly prune: string;
  /** $1 name, $2 content, $3 version, $4 the content as text (for the jsonb copy). */
  readonly write: string;
  /** $1 name: the history, newest first. */
  readonly history: string;
  /** $1 name, $2 version: the newest content kept with that version. */
  readonly version: string;
}

/**
 * The statements of the PostgreSQL store for one table.
 *
 * @param table - A name `TABLE_PATTERN` accepted.
 * @returns The statements.
 */
export function sqlFor(table: string): PostgresSql {
  const history = `${table}_history`;
  const bare = (name: string) => name.slice(name.indexOf('.') + 1);
  const select = `SELECT version, octet_length(content) AS size,
  CASE WHEN version IS NOT DISTINCT FROM $2 OR octet_length(content) > $3 THEN NULL ELSE content END AS content
  FROM ${table} WHERE name = $1`;
  return {
    channel: bare(table),
    setup: [
      `CREATE TABLE IF NOT EXISTS ${table} (
  name text PRIMARY KEY,
  content bytea NOT NULL,
  version text NOT NULL,
  personas jsonb,
  updated_at timestamptz NOT NULL DEFAULT now()
)`,
      `CREATE TABLE IF NOT EXISTS ${history} (
  id bigserial PRIMARY KEY,
  name text NOT NULL,
  version text NOT NULL,
  count integer NOT NULL,
  content bytea NOT NULL,
  saved_at timestamptz NOT NULL
)`,
      `CREATE INDEX IF NOT EXISTS ${bare(history)}_name_id ON ${history} (name, id DESC)`,
    ],
    read: select,
    lockRow: `${select} FOR UPDATE`,
    keep: `INSERT INTO ${history} (name, version, count, content, saved_at) SELECT name, version, $2, content, updated_at FROM ${table} WHERE name = $1`,
    prune: `DELETE FROM ${history} WHERE name = $1 AND id NOT IN (SELECT id FROM ${history} WHERE name = $1 ORDER BY id DESC LIMIT $2)`,
    write: `INSERT INTO ${table} (name, content, version, personas, updated_at) VALUES ($1, $2, $3, $4::jsonb, clock_timestamp())
  ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, version = EXCLUDED.version, personas = EXCLUDED.personas, updated_at = EXCLUDED.updated_at`,
    history: `SELECT version, count, saved_at FROM ${history} WHERE name = $1 ORDER BY id DESC`,
    version: `SELECT content FROM ${history} WHERE name = $1 AND version = $2 ORDER BY id DESC LIMIT 1`,
  };
}
