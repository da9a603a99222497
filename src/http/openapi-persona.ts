/** A JSON Schema, as an OpenAPI 3.1 document holds it. */
export type JsonSchema = Readonly<Record<string, unknown>>;

type Properties = Readonly<Record<string, JsonSchema>>;

const propertiesOf = (persona: JsonSchema): Properties => (persona['properties'] ?? {}) as Properties;

/** A field's description, with its default appended (generators would make a field with `default` required). */
function withoutDefault(field: JsonSchema): JsonSchema {
  const fallback = field['default'];
  const rest = stripDefault(field);
  if (fallback === undefined) return rest;
  const said = typeof rest['description'] === 'string' ? `${rest['description']} ` : '';
  return { ...rest, description: `${said}Default: \`${JSON.stringify(fallback)}\`.` };
}

/**
 * A persona as a request may send it: what the server accepts (defaults optional, lax booleans,
 * unknown fields ignored). The defaults are stated in the descriptions, not as `default`, so that
 * generated types keep those fields optional.
 *
 * @param persona - The `items` of `persona-pool/schema.json`.
 * @returns The request schema.
 */
export function requestPersona(persona: JsonSchema): JsonSchema {
  const properties = Object.fromEntries(Object.entries(propertiesOf(persona)).map(([name, field]) => [name, withoutDefault(field)]));
  return { ...persona, description: 'A persona as sent: `name`, `email` and `role` required, the rest defaulted.', properties };
}

/** The field without its `default`. */
function stripDefault(field: JsonSchema): JsonSchema {
  return Object.fromEntries(Object.entries(field).filter(([keyword]) => keyword !== 'default'));
}

/**
 * A persona as the server answers it: every field present, exact types (`language` resolved to a
 * string, `uses_llms_heavily` a boolean), nothing else.
 *
 * @param persona - The `items` of `persona-pool/schema.json`.
 * @returns The response schema.
 */
export function responsePersona(persona: JsonSchema): JsonSchema {
  const exact: Properties = {
    language: { type: 'string', description: 'The persona\'s language, or the pool\'s `languageDefault`.' },
    uses_llms_heavily: { type: 'boolean' },
  };
  const properties = Object.fromEntries(Object.entries(propertiesOf(persona)).map(([name, field]) => [name, stripDefault(exact[name] ?? field)]));
  return {
    type: 'object',
    description: 'A persona as served: every field present, defaults applied.',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
  };
}
