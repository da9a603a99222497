// The build proves the parsing fast path against the valibot it bundles (.config/build.mjs), so the
// built package never runs the self-check: its first parse does no more than any other. The self-check
// compares outputs key by key (Object.keys), which nothing else on a parse without warnings calls.
import { describe, expect, it } from 'vitest';
import { DIST, runNode } from '../helpers/common.js';

const SCRIPT = `
const { inspectPersonas } = await import(${JSON.stringify(DIST)});
const keys = Object.keys;
let calls = 0;
Object.keys = (value) => (calls++, keys(value));
const { personas } = inspectPersonas([{ name: 'Ann Lee', email: 'ann@corp.example', role: 'CFO', uses_llms_heavily: 'yes' }], { warnings: false });
console.log(JSON.stringify({ calls, personas: personas.length, llm: personas[0]?.uses_llms_heavily }));
`;

describe('the built package', () => {
  it('parses without running the fast path self-check, proven by the build', async () => {
    const { code, stdout, stderr } = await runNode('--input-type=module', ['-e', SCRIPT], { env: { PATH: process.env.PATH ?? '' } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ calls: 0, personas: 1, llm: true });
  });
});
