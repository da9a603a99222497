/**
 * A string as a PostgreSQL string literal, quoted as `pg`'s `escapeLiteral` quotes it (quotes doubled;
 * with a backslash, backslashes doubled and the `E''` form), which reads the same whatever
 * `standard_conforming_strings` is. For the few values a write sends in its first round trip.
 *
 * @param value - The string (a NUL makes the statement fail: PostgreSQL text holds none).
 * @returns The literal.
 */
export function literal(value: string): string {
  const quoted = `'${value.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  return value.includes('\\') ? ` E${quoted}` : quoted;
}
