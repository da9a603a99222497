import * as v from 'valibot';
import { EmailPersonaSchema } from './schema.js';

// The fast path. `v.safeParse` spends, per valid persona, more than JSON.parse does: a dataset
// object per field, and in the lax-boolean union an issue (message, stringified input) for each
// option tried before the one that matches. `accept` walks the same EmailPersonaSchema, read as
// data, and answers only "valid, and this is the output": the containers (object, pipe, optional,
// nullable, array, union) and three leaves (string, boolean, picklist) are taken exactly as
// valibot runs them; every action (lengths, checks, regexes, transforms) and any other schema
// runs its own `~run`. Anything not accepted goes to `v.safeParse`, which alone writes issues.

/** A valibot schema or action, as the fast path reads it. */
interface SchemaNode {
  readonly kind: string;
  readonly type: string;
  readonly '~run': (dataset: Dataset, config: v.Config<v.BaseIssue<unknown>>) => Dataset;
  readonly pipe?: readonly SchemaNode[];
  readonly wrapped?: SchemaNode;
  readonly item?: SchemaNode;
  readonly entries?: Readonly<Record<string, SchemaNode>>;
  readonly options?: readonly unknown[];
  readonly default?: unknown;
  readonly fallback?: unknown;
}

interface Dataset {
  typed: boolean;
  value: unknown;
  issues?: unknown;
}

type Config = v.Config<v.BaseIssue<unknown>>;
/** Returns the output, or REJECT where valibot would report an issue. */
export type Accept = (value: unknown, config: Config) => unknown;

/** What the fast path answers for anything it does not accept: `v.safeParse` then says why. */
export const REJECT: unique symbol = Symbol('reject');
const OPTIONAL_TYPES = new Set(['optional', 'exact_optional', 'nullish']);
/** One dataset for the actions, reused: an action's `~run` allocates nothing when it passes. */
const scratch: Dataset = { typed: true, value: undefined };
let scratchInUse = false;

function runNode(node: SchemaNode, dataset: Dataset, config: Config): unknown {
  const result = node['~run'](dataset, config);
  return result.typed && result.issues === undefined ? result.value : REJECT;
}

function runAction(action: SchemaNode, value: unknown, config: Config): unknown {
  if (scratchInUse) return runNode(action, { typed: true, value }, config);
  scratchInUse = true;
  scratch.typed = true;
  scratch.value = value;
  scratch.issues = undefined;
  try {
    return runNode(action, scratch, config);
  } finally {
    scratch.value = undefined;
    scratchInUse = false;
  }
}

function acceptPipe([head, ...rest]: readonly SchemaNode[]): Accept {
  const steps = [head as SchemaNode, ...rest.filter((item) => item.kind !== 'metadata')].map((item): Accept =>
    item.kind === 'schema' ? compile(item) : (value, config) => runAction(item, value, config),
  );
  return (value, config) => {
    let output = value;
    for (let i = 0; i < steps.length && output !== REJECT; i++) output = (steps[i] as Accept)(output, config);
    return output;
  };
}

function acceptObject(entries: Readonly<Record<string, SchemaNode>>): Accept {
  const fields = Object.entries(entries).map(([key, node]) => ({ key, node, accept: compile(node), optional: OPTIONAL_TYPES.has(node.type) }));
  // When every field is always set (required, or with a default), the output starts as a copy of
  // a template with every key in schema order, so the stores below change no object's shape.
  const always = fields.every(({ node, optional }) => !optional || node.default !== undefined);
  const template = always ? JSON.parse(JSON.stringify(Object.fromEntries(fields.map(({ key }) => [key, null])))) : undefined;
  return (input, config) => {
    if (!input || typeof input !== 'object') return REJECT;
    const output: Record<string, unknown> = { ...template };
    for (const { key, node, accept, optional } of fields) {
      let raw = (input as Record<string, unknown>)[key];
      if (raw === undefined && !(key in input)) {
        if (!optional) return REJECT;
        if (node.default === undefined) continue;
        raw = v.getDefault(node as never);
      }
      const value = accept(raw, config);
      if (value === REJECT) return REJECT;
      output[key] = value;
    }
    return output;
  };
}

/** `optional` and `nullable`: the empty value, or its default, or the wrapped schema. */
function acceptWrapper(node: SchemaNode, wrapped: Accept): Accept {
  const empty = node.type === 'optional' ? undefined : null;
  return (value, config) => {
    if (value !== empty) return wrapped(value, config);
    const filled = node.default === undefined ? empty : v.getDefault(node as never, { typed: false, value } as never, config as never);
    return filled === empty ? empty : wrapped(filled, config);
  };
}

function compile(node: SchemaNode): Accept {
  const { type, pipe, wrapped, item, entries, options } = node;
  if (node.fallback !== undefined) return (value, config) => runNode(node, { typed: false, value }, config);
  if (pipe) return acceptPipe(pipe);
  if (type === 'string') return (value) => (typeof value === 'string' ? value : REJECT);
  if (type === 'boolean') return (value) => (typeof value === 'boolean' ? value : REJECT);
  if (type === 'picklist' && options) return (value) => (options.includes(value) ? value : REJECT);
  if (type === 'object' && entries) return acceptObject(entries);
  if ((type === 'optional' || type === 'nullable') && wrapped) return acceptWrapper(node, compile(wrapped));
  if (type === 'array' && item) {
    const accept = compile(item);
    return (value, config) => {
      if (!Array.isArray(value)) return REJECT;
      const output: unknown[] = [];
      for (const element of value) {
        const accepted = accept(element, config);
        if (accepted === REJECT) return REJECT;
        output.push(accepted);
      }
      return output;
    };
  }
  if (type === 'union' && options) {
    const choices = (options as SchemaNode[]).map(compile);
    return (value, config) => {
      for (const choice of choices) {
        const output = choice(value, config);
        if (output !== REJECT) return output;
      }
      return REJECT;
    };
  }
  return (value, config) => runNode(node, { typed: false, value }, config);
}

let compiled: Accept | undefined;

/** Accepts a valid persona entry, returning valibot's output for it, or {@link REJECT}; compiled on first use, not at import. */
export const acceptPersona: Accept = (value, config) => (compiled ??= compile(EmailPersonaSchema as unknown as SchemaNode))(value, config);
