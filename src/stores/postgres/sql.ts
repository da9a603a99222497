/** The SQL of one table, built from a table name that `TABLE_PATTERN` accepted (never from anything else). */
export interface PostgresSql {
  /** The `NOTIFY` channel: the table's name. */
  readonly channel: string;
  /** Creates the tables, index and columns if missing (run under an advisory lock). */
  readonly setup: readonly string[];
  /** $1 the table, $2 its history table: whether both exist, the history with its `written_by` column. */
  readonly ready: string;
  /** $1 name, $2 the version known (or null), $3 maxBytes: version, size, and the content unless unchanged or too large. */
  readonly read: string;
  /** As `read`, locking the row (`FOR UPDATE`). */
  readonly lockRow: string;
  /**
   * One statement: $1 name, $2 the content as text (UTF-8 on the wire, half the size of bytea's hex;
   * null when the bytes are not UTF-8 text), $3 version, $4 the count of the content replaced (null:
   * nothing to keep), $5 the history limit, $6 the channel, $7 the content as bytea when $2 is null.
   * Keeps the current row in the history (unless $4 is null or $5 is 0), writes the new one, prunes
   * the history to the newest $5, and notifies. Its parts share one snapshot: the history insert
   * reads the row before the write, and the prune sees the history before the insert. $8: who writes
   * (or null), kept as the `written_by` of the row it replaces.
   */
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
      `ALTER TABLE ${history} ADD COLUMN IF NOT EXISTS written_by text`,
    ],
    ready: `SELECT to_regclass($1) IS NOT NULL AND EXISTS (
  SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($2) AND attname = 'written_by' AND NOT attisdropped
) AS ready`,
    read: select,
    lockRow: `${select} FOR UPDATE`,
    write: `WITH kept AS (
    INSERT INTO ${history} (name, version, count, content, saved_at, written_by)
    SELECT name, version, $4::int, content, updated_at, $8::text FROM ${table} WHERE name = $1 AND $4::int IS NOT NULL AND $5::int > 0
    RETURNING id
  ), written AS (
    INSERT INTO ${table} (name, content, version, updated_at)
    VALUES ($1, COALESCE($7::bytea, convert_to($2::text, 'UTF8')), $3, clock_timestamp())
    ON CONFLICT (name) DO UPDATE SET content = EXCLUDED.content, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
    RETURNING 1
  ), pruned AS (
    DELETE FROM ${history} WHERE id IN (
      SELECT id FROM ${history} WHERE name = $1 ORDER BY id DESC OFFSET GREATEST($5::int - (SELECT count(*) FROM kept), 0)
    )
    RETURNING 1
  )
  SELECT pg_notify($6, $1), (SELECT count(*) FROM written) AS written, (SELECT count(*) FROM pruned) AS pruned`,
    history: `SELECT version, count, saved_at, written_by FROM ${history} WHERE name = $1 ORDER BY id DESC`,
    version: `SELECT content FROM ${history} WHERE name = $1 AND version = $2 ORDER BY id DESC LIMIT 1`,
  };
}
