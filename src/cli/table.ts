import { printable } from './io.js';
import type { EmailPersona } from '../persona/schema.js';

/** The widest a cell gets before it is cut with `…`. */
const MAX_WIDTH = 40;

const COLUMNS: readonly (readonly [heading: string, cell: (persona: EmailPersona) => string])[] = [
  ['NAME', (persona) => persona.name],
  ['EMAIL', (persona) => persona.email],
  ['ROLE', (persona) => persona.role],
  ['TONE', (persona) => (persona.tone === 'custom' ? `custom: ${String(persona.tone_custom)}` : persona.tone)],
  ['LANGUAGE', (persona) => persona.language],
  ['ACTIVE HOURS', (persona) => persona.active_hours],
];

function clip(text: string): string[] {
  const chars = [...printable(text)];
  return chars.length > MAX_WIDTH ? [...chars.slice(0, MAX_WIDTH - 1), '…'] : chars;
}

/** Pads by code points, so a name with an emoji keeps its column. */
function pad(chars: readonly string[], width: number): string {
  return chars.join('') + ' '.repeat(width - chars.length);
}

/**
 * Lays personas out as a plain-text table, one line a persona under a heading line. Cells are
 * made printable and cut at 40 characters; columns are two spaces apart.
 *
 * @param personas - The personas to show.
 * @returns The lines, without trailing spaces.
 */
export function personaTable(personas: readonly EmailPersona[]): string[] {
  const heading = COLUMNS.map(([title]) => [...title]);
  const rows = [heading, ...personas.map((persona) => COLUMNS.map(([, cell]) => clip(cell(persona))))];
  const widths = heading.map((_, column) => Math.max(...rows.map((row) => (row[column] as string[]).length)));
  return rows.map((row) => row.map((chars, column) => pad(chars, widths[column] as number)).join('  ').trimEnd());
}
