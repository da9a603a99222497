// The self-check runs on the first parse, not at import; and when the fast path of this process
// (here a broken one, standing for a valibot whose internals changed) fails it, every parse of the
// process gives v.safeParse's answers, and the broken path is never called again.
import * as v from 'valibot';
import { describe, expect, it, vi } from 'vitest';
import type * as FastAccept from '../../src/persona/fast-accept.js';
import { EmailPersonaSchema, inspectPersonas, parsePersonas } from '../../src/index.js';

const calls = vi.hoisted(() => ({ count: 0 }));

vi.mock('../../src/persona/fast-accept.js', async (importOriginal) => {
  const real = await importOriginal<typeof FastAccept>();
  // Accepts a tone valibot rejects, and answers the rest as the real one.
  const acceptPersona = (value: unknown, config: v.Config<v.BaseIssue<unknown>>) => {
    calls.count++;
    const entry = value as { tone?: unknown };
    if (entry?.tone === 'friendly') return real.acceptPersona({ ...entry, tone: 'casual' }, config);
    return real.acceptPersona(value, config);
  };
  return { ...real, acceptPersona };
});

const ANN = { name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO' };

describe('a fast path that fails its self-check', () => {
  it('is not run at import, then self-checked on the first parse, then never called again', () => {
    expect(calls.count).toBe(0);
    const entries = [ANN, { ...ANN, tone: 'friendly' }, { ...ANN, tone: 'casual', language: 'sv' }];
    const { personas, rejected } = inspectPersonas(entries);
    const checked = calls.count;
    expect(checked).toBeGreaterThan(10);
    expect(personas.map((persona) => persona.tone)).toEqual(['formal', 'casual']);
    expect(rejected).toEqual([{ index: 1, issues: [{ path: 'tone', message: expect.stringContaining('tone must be one of') }] }]);
    expect(parsePersonas(JSON.stringify(entries))).toEqual(personas);
    expect(v.safeParse(EmailPersonaSchema, entries[1]).success).toBe(false);
    expect(calls.count).toBe(checked);
  });
});
