import { PERSONA_WARNING_CODES } from '../persona/warnings.js';

/** A JSON Schema, as an OpenAPI 3.1 document holds it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const text = { type: 'string' } as const;
const index = { type: 'integer', minimum: 0, description: 'Zero-based index of the entry in the list sent.' } as const;

/** An object schema whose every property is required, and no other allowed. */
function closed(description: string, properties: Readonly<Record<string, JsonSchema>>, optional: readonly string[] = []): JsonSchema {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  return { type: 'object', description, properties, required, additionalProperties: false };
}

const rejected = { type: 'array', items: ref('PersonaPoolRejected') } as const;

/**
 * The schemas of the document's `components.schemas`, named `PersonaPool…` so that a host merges
 * them into its own document without a clash.
 *
 * @param persona - The JSON Schema of one persona: the `items` of `persona-pool/schema.json`.
 * @returns The schemas by name.
 */
export function componentSchemas(persona: JsonSchema): Record<string, JsonSchema> {
  return {
    PersonaPoolPersona: persona,
    PersonaPoolProblem: closed('Why the file on disk is unusable; `personas` is then empty.', {
      code: { enum: ['INVALID_JSON', 'NOT_A_LIST', 'UNREADABLE', 'TOO_LARGE', 'CACHED'] },
      message: { ...text, description: 'What is wrong and what to do, for an operator; it names the file.' },
    }),
    PersonaPoolSnapshot: closed('The pool as it is on disk (GET).', {
      path: { ...text, description: 'The pool file.' },
      personas: { type: 'array', items: ref('PersonaPoolPersona'), description: 'The valid personas, every field present, `language` resolved.' },
      version: { ...text, description: 'The ETag without its quotes; `absent` for a missing file.' },
      problem: { anyOf: [ref('PersonaPoolProblem'), { type: 'null' }] },
    }),
    PersonaPoolReplace: {
      type: 'object',
      description: 'The new pool (PUT). Invalid entries are left out and listed in `rejected`; other fields are ignored.',
      properties: { personas: { type: 'array', items: ref('PersonaPoolPersona') } },
      required: ['personas'],
    },
    PersonaPoolWritten: closed('What was written (PUT).', {
      path: { ...text, description: 'The pool file.' },
      personas: { type: 'array', items: ref('PersonaPoolPersona'), description: 'What is now in the pool.' },
      rejected: { ...rejected, description: 'The entries left out as invalid.' },
      warnings: { type: 'array', items: ref('PersonaPoolWarning'), description: 'What was accepted but is probably a mistake.' },
      version: { ...text, description: 'The new version: the ETag without its quotes.' },
      problem: { type: 'null' },
    }),
    PersonaPoolRejected: closed('An entry left out as invalid.', {
      index,
      issues: { type: 'array', items: closed('One reason.', { path: { ...text, description: 'The field at fault, dotted; empty for the entry itself.' }, message: text }) },
    }),
    PersonaPoolWarning: closed('An entry accepted, probably by mistake.', { index, path: text, code: { enum: [...PERSONA_WARNING_CODES] }, message: text }),
    PersonaPoolError: closed(
      'An error: `detail` for the dashboard to show; `rejected` with a list in which no entry is valid (400).',
      { detail: text, rejected },
      ['rejected'],
    ),
  };
}
