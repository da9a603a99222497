// persona-pool/browser in a real headless Chromium (Debian's /usr/bin/chromium, driven by puppeteer-core),
// literally as docs/http.md shows it: the browser block (followPersonas, the session cookie) on a page
// of the same origin as a documented recipe (node:http; HTTP/2 with allowHTTP1), authenticated by the
// documented stand-in's demo-role cookie. The page and the built module are served to the tabs by
// request interception, so the recipe itself runs unchanged.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type BrowserContext, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PersonaPool } from '../../src/index.js';
import { ANN, poolFile, removeTempFolders, tempFolder } from '../helpers/http.js';
import { documented, recipeFolder, runRecipe, type RunningRecipe } from '../helpers/http-recipes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TABS = 8;
const CHANGES = 10;
const ROUTE = '/api/v1/realism/personas';

/** The docs' browser block, exactly as shown. */
function browserBlock(): string {
  const text = fs.readFileSync(join(ROOT, 'docs', 'http.md'), 'utf8');
  const marker = '<!-- browser: follow -->\n<!-- fragment -->\n```js\n';
  const from = text.indexOf(marker) + marker.length;
  if (from < marker.length) throw new Error('docs/http.md has no block marked <!-- browser: follow -->');
  return text.slice(from, text.indexOf('\n```', from) + 1);
}

/** The page: the functions the docs' block calls, a count of its long polls, then the block itself. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>dashboard</title>
<script type="importmap">{ "imports": { "persona-pool/browser": "/persona-pool/dist/browser/index.js" } }</script>
<script>
  window.seen = []; window.denied = []; window.longPolls = 0;
  window.showPersonas = (pool) => window.seen.push(pool.version);
  window.showLogin = (status) => window.denied.push(status);
  const fetchOf = window.fetch.bind(window);
  window.fetch = (input, init) => ((window.longPolls += init?.headers?.Prefer ? 1 : 0), fetchOf(input, init));
</script>
<script type="module">${browserBlock()}</script>`;

let browser: Browser;
let folder = '';
const recipes: RunningRecipe[] = [];

/** Serves the page and dist/ under /persona-pool/ on any origin; every other request goes to the server. */
async function tab(context: BrowserContext, origin: string, before?: () => void): Promise<Page> {
  const page = await context.newPage();
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const path = new URL(request.url()).pathname;
    if (path === '/persona-pool/page.html') return void request.respond({ status: 200, contentType: 'text/html', body: PAGE });
    if (path.startsWith('/persona-pool/dist/')) return void request.respond({ status: 200, contentType: 'text/javascript', body: fs.readFileSync(join(ROOT, path.slice('/persona-pool/'.length))) });
    return void request.continue();
  });
  if (before) await page.evaluateOnNewDocument(before);
  await page.goto(`${origin}/persona-pool/page.html`);
  return page;
}

const seen = (page: Page) => page.evaluate(() => (globalThis as unknown as { seen: string[] }).seen);
const longPolls = (page: Page) => page.evaluate(() => (globalThis as unknown as { longPolls: number }).longPolls);

/** Resolves once every tab's last version is `version`. */
async function allSee(pages: readonly Page[], version: string): Promise<void> {
  for (;;) {
    const last = await Promise.all(pages.map(async (page) => (await seen(page)).at(-1)));
    if (last.every((one) => one === version)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A plain GET from `page` while the tabs follow: its status, its protocol, and how long it took (reported, not asserted). */
function plainRequest(page: Page) {
  return page.evaluate(async (route) => {
    const started = performance.now();
    const response = await fetch(route, { cache: 'no-store' } as RequestInit);
    await response.text();
    const ms = Math.round(performance.now() - started);
    const entry = performance.getEntriesByType('resource').at(-1) as { nextHopProtocol?: string } | undefined;
    return { status: response.status, protocol: entry?.nextHopProtocol, ms };
  }, ROUTE);
}

/** Writes `CHANGES` new pools, each once all tabs have shown the one before; the versions written. */
async function change(pool: PersonaPool, pages: readonly Page[], count: number): Promise<string[]> {
  const versions: string[] = [];
  for (let n = 1; n <= count; n += 1) {
    const { version } = await pool.replace([ANN, { name: `Change ${n}`, email: `change${n}@corp.example`, role: 'Analyst' }]);
    await allSee(pages, version);
    versions.push(version);
  }
  return versions;
}

beforeAll(async () => {
  if (!fs.existsSync(join(ROOT, 'dist', 'browser', 'index.js'))) execFileSync(process.execPath, [join(ROOT, '.config', 'build.mjs')], { stdio: 'inherit' });
  folder = recipeFolder();
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '1', ...subject], { cwd: folder, stdio: 'ignore' });
  const args = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
  browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args, userDataDir: tempFolder(), acceptInsecureCerts: true });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(recipes.map((recipe) => recipe.stop()));
  removeTempFolders();
  fs.rmSync(folder, { recursive: true, force: true });
});

/** A fresh browser context, signed in as `role` (the stand-in's cookie), once, before any tab opens. */
async function signedIn(origin: string, role: string | null): Promise<BrowserContext> {
  const context = await browser.createBrowserContext();
  if (role === null) return context;
  const page = await context.newPage();
  await page.setCookie({ name: 'demo-role', value: role, url: origin });
  await page.close();
  return context;
}

/** A documented recipe on a fresh pool file, a pool writing that file from this process, and a context signed in as a viewer. */
async function start(name: string, scheme: 'http' | 'https') {
  const path = poolFile([ANN]);
  const recipe = await runRecipe(folder, name, documented(name), path);
  recipes.push(recipe);
  const origin = `${scheme}://127.0.0.1:${recipe.port}`;
  return { origin, context: await signedIn(origin, 'viewer'), pool: new PersonaPool({ path }) };
}

describe('followPersonas in Chromium, as docs/http.md shows it', () => {
  it(`${TABS} tabs on the node:http recipe (HTTP/1.1) follow ${CHANGES} changes each over one long poll, and a plain request is answered meanwhile`, async () => {
    const { origin, context, pool } = await start('node-http', 'http');
    const pages: Page[] = [];
    for (let n = 0; n < TABS; n += 1) pages.push(await tab(context, origin));
    const first = (await pool.snapshot()).version;
    await allSee(pages, first);
    const versions = await change(pool, pages, CHANGES);
    for (const page of pages) expect(await seen(page)).toEqual([first, ...versions]);
    const polling = await Promise.all(pages.map(longPolls));
    expect(polling.filter((count) => count > 0)).toHaveLength(1);
    const plain = await Promise.all([plainRequest(pages[0] as Page), plainRequest(pages[TABS - 1] as Page)]);
    expect(plain.map((answer) => answer.status)).toEqual([200, 200]);
    const ninth = await tab(context, origin);
    await allSee([ninth], versions.at(-1) ?? '');
    console.log(`HTTP/1.1, ${TABS} tabs following: plain GET from the leader ${plain[0]?.ms} ms, from a follower ${plain[1]?.ms} ms; long polls per tab ${polling.join(',')}`);
    await context.close();
  });

  it(`${TABS} tabs without Web Locks on the HTTP/2 recipe each hold their own long poll, and a plain request is answered meanwhile`, async () => {
    const { origin, context, pool } = await start('http2', 'https');
    const noLocks = () => void Reflect.deleteProperty((globalThis as unknown as { Navigator: { prototype: object } }).Navigator.prototype, 'locks');
    const pages: Page[] = [];
    for (let n = 0; n < TABS; n += 1) pages.push(await tab(context, origin, noLocks));
    const first = (await pool.snapshot()).version;
    await allSee(pages, first);
    const versions = await change(pool, pages, 3);
    for (const page of pages) expect(await seen(page)).toEqual([first, ...versions]);
    const polling = await Promise.all(pages.map(longPolls));
    expect(polling.every((count) => count > 0)).toBe(true);
    const plain = await plainRequest(pages[0] as Page);
    expect(plain).toMatchObject({ status: 200, protocol: 'h2' });
    console.log(`HTTP/2, ${TABS} tabs each long polling: plain GET ${plain.ms} ms`);
    await context.close();
  });

  it('rejects in every tab with 401 without the cookie, and 403 for a role that may not read', async () => {
    const { origin } = await start('node-http', 'http');
    const context = await signedIn(origin, null);
    const anonymous = [await tab(context, origin), await tab(context, origin)];
    const denied = (page: Page) => page.evaluate(() => (globalThis as unknown as { denied: number[] }).denied);
    for (;;) {
      const all = await Promise.all(anonymous.map(denied));
      if (all.every((one) => one.length > 0)) {
        expect(all).toEqual([[401], [401]]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await context.close();
    const other = await signedIn(origin, 'guest');
    const guest = await tab(other, origin);
    await guest.waitForFunction(() => (globalThis as unknown as { denied: number[] }).denied.length > 0);
    expect(await denied(guest)).toEqual([403]);
    await other.close();
  });
});
