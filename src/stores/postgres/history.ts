import type { HistoryEntry } from '../types.js';

/** A row of `<table>_history` as the history query returns it. */
export interface HistoryRow {
  /** The version kept. */
  readonly version: string;
  /** Its number of valid personas. */
  readonly count: number;
  /** When it was saved. */
  readonly saved_at: Date;
  /** Who wrote the version that replaced it; null when unknown (older rows). */
  readonly written_by: string | null;
}

/**
 * The history entry of a row: `by` only when the row has one.
 *
 * @param row - A row of the history query.
 * @returns `{ version, savedAt, count, by? }`.
 */
export function historyEntry(row: HistoryRow): HistoryEntry {
  const entry = { version: row.version, savedAt: row.saved_at.toISOString(), count: row.count };
  return row.written_by === null ? entry : { ...entry, by: row.written_by };
}
