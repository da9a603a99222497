// The code blocks and links of README.md and docs/*.md, read as a reader sees them: what
// test/docs-blocks.test.ts runs and checks.
import fs from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root folder. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The pages a person reads: README.md and docs/*.md (not the generated API reference). */
export const PAGES: readonly string[] = [
  'README.md',
  ...fs
    .readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`),
];

/** The languages whose blocks are run. */
export const RUN_LANGUAGES = ['js', 'ts', 'sh'] as const;

/** A fenced code block. */
export interface Block {
  /** The page, relative to the root. */
  readonly page: string;
  /** The 1-based line of its opening fence. */
  readonly line: number;
  /** The info string's first word (`js`, `sh`…), or `''`. */
  readonly lang: string;
  /** The HTML comment on the line before the fence (`fragment`, `recipe: node-http`…), or `''`. */
  readonly marker: string;
  readonly code: string;
}

/** Every fenced block of `page` (a path relative to the root). */
export function blocksOf(page: string): Block[] {
  return blocksIn(fs.readFileSync(join(ROOT, page), 'utf8'), page);
}

/** Every fenced block of the Markdown `text` of `page`. */
export function blocksIn(text: string, page: string): Block[] {
  const lines = text.split('\n');
  const blocks: Block[] = [];
  for (let at = 0; at < lines.length; at++) {
    const open = /^(\s*)(`{3,})(\S*)/.exec(lines[at] ?? '');
    if (open === null) continue;
    const [, indent = '', fence = '', lang = ''] = open;
    const end = lines.findIndex((text, index) => index > at && text.trimStart().startsWith(fence) && text.trim() === fence);
    if (end === -1) throw new Error(`${page}:${at + 1}: a code block that is never closed`);
    const marker = /^\s*<!--\s*(.*?)\s*-->\s*$/.exec(lines[at - 1] ?? '')?.[1] ?? '';
    const code = lines.slice(at + 1, end).map((text) => (text.startsWith(indent) ? text.slice(indent.length) : text));
    blocks.push({ page, line: at + 1, lang, marker, code: `${code.join('\n')}\n` });
    at = end;
  }
  return blocks;
}

/** Whether the block is run here: a js/ts/sh block not marked a fragment, nor a recipe (test/http/frameworks.test.ts runs those). */
export function runsHere(block: Block): boolean {
  return (RUN_LANGUAGES as readonly string[]).includes(block.lang) && block.marker !== 'fragment' && !block.marker.startsWith('recipe');
}

/** A heading's anchor, as GitHub makes it: lower case, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 for repeats. */
export function anchorsOf(file: string): Set<string> {
  return anchorsIn(fs.readFileSync(file, 'utf8'));
}

/** The anchors of the headings of the Markdown `markdown`. */
export function anchorsIn(markdown: string): Set<string> {
  const text = markdown.replace(/^(\s*)(`{3,})[\s\S]*?^\1\2\s*$/gm, '');
  const anchors = new Set<string>();
  for (const [, heading = ''] of text.matchAll(/^#{1,6} +(.+)$/gm)) {
    const base = slug(heading);
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n++) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

/** A relative link of a page, and what is wrong with it (`''` when it is fine). */
export interface LinkCheck {
  readonly page: string;
  readonly target: string;
  readonly problem: string;
}

/** Every relative link of `page` (outside code), checked: the file exists, and so does the heading it names. */
export function checkLinks(page: string): LinkCheck[] {
  return checkLinksIn(fs.readFileSync(join(ROOT, page), 'utf8'), page);
}

/** The relative links of `text`, the Markdown of `page` (a path relative to the root), checked. */
export function checkLinksIn(markdown: string, page: string): LinkCheck[] {
  const text = markdown
    .replace(/^(\s*)(`{3,})[\s\S]*?^\1\2\s*$/gm, '')
    .replace(/`[^`\n]*`/g, '');
  const checks: LinkCheck[] = [];
  for (const [, target = ''] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:…
    const [path = '', anchor] = target.split('#');
    const file = join(ROOT, dirname(page), decodeURI(path === '' ? basename(page) : path));
    const anchors = (): Set<string> => (path === '' ? anchorsIn(markdown) : anchorsOf(file));
    let problem = '';
    if (path !== '' && !fs.existsSync(file)) problem = `${relative(ROOT, file)} does not exist`;
    else if (anchor !== undefined && !((path === '' || file.endsWith('.md')) && anchors().has(anchor))) problem = `no heading #${anchor} in ${relative(ROOT, file)}`;
    checks.push({ page, target, problem });
  }
  return checks;
}

/** Words as `wc -w` counts them: runs of characters other than white space. */
export function wordCount(text: string): number {
  return text.split(/\s+/).filter((word) => word !== '').length;
}
