import { PERSONA_WARNING_CODES } from '../persona/warnings.js';
import { requestPersona, responsePersona, type JsonSchema } from './openapi-persona.js';

export type { JsonSchema } from './openapi-persona.js';

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const text = { type: 'string' } as const;
const index = { type: 'integer', minimum: 0, description: 'Zero-based index of the entry in the list sent.' } as const;

/** An object schema whose every property is required, and no other allowed. */
function closed(description: string, properties: Readonly<Record<string, JsonSchema>>, optional: readonly string[] = []): JsonSchema {
  const required = Object.keys(properties).filter((name) => !optional.includes(name));
  return { type: 'object', description, properties, required, additionalProperties: false };
}

const rejected = { type: 'array', items: ref('PersonaPoolRejected') } as const;

/** The schemas of history, restore and named pools. */
function historySchemas(): Record<string, JsonSchema> {
  return {
    PersonaPoolHistory: closed('The versions kept, newest first (GET …/history).', { history: { type: 'array', items: ref('PersonaPoolHistoryEntry') } }),
    PersonaPoolHistoryEntry: closed(
      'A version kept.',
      {
        version: { ...text, description: 'The version, for `POST …/restore`.' },
        savedAt: { ...text, format: 'date-time', description: 'When it was replaced.' },
        count: { type: 'integer', minimum: 0, description: 'Its number of personas.' },
        by: { ...text, description: 'Who wrote the version that replaced it; absent when unknown.' },
      },
      ['by'],
    ),
    PersonaPoolRestore: {
      type: 'object',
      description: 'The version to bring back (POST …/restore).',
      properties: { version: { ...text, description: 'A `version` from the history.' } },
      required: ['version'],
    },
    PersonaPoolNamedSnapshot: {
      type: 'object',
      description: 'A named pool (GET): its personas, its `language_default`, and the fields the host adds (such as `topology_id`).',
      properties: { language_default: text, personas: { type: 'array', items: ref('PersonaPoolPersona') } },
      required: ['language_default', 'personas'],
      additionalProperties: true,
    },
  };
}

/**
 * The schemas of the document's `components.schemas`, named `PersonaPool…` so that a host merges
 * them into its own document without a clash.
 *
 * @param persona - The JSON Schema of one persona: the `items` of `persona-pool/schema.json`.
 * @returns The schemas by name.
 */
export function componentSchemas(persona: JsonSchema): Record<string, JsonSchema> {
  return {
    PersonaPoolPersona: responsePersona(persona),
    PersonaPoolPersonaInput: requestPersona(persona),
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
      properties: { personas: { type: 'array', items: ref('PersonaPoolPersonaInput') } },
      required: ['personas'],
    },
    ...historySchemas(),
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
