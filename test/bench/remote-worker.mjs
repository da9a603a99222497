// A worker process for the remote fan-out bench: <count> remote pools in watch mode (each its own
// store, so its own long poll), spread over the URLs given. Prints "ready" once every watch vouches,
// then, for each version, one line once every pool was told of it (or 10 s after the last one told): { version, told: [ms since the epoch, ...] }.
// Args: <count> <url> [<url>...].
import { performance } from 'node:perf_hooks';
import { setInterval } from 'node:timers';
import { PersonaPool } from '../../dist/index.js';
import { remoteStore } from '../../dist/stores/remote/index.js';

const [count, ...urls] = process.argv.slice(2);
const total = Number(count);
const told = new Map();
let ready = false;
const now = () => performance.timeOrigin + performance.now();
const reported = new Set();
function report(version) {
  if (reported.has(version)) return;
  reported.add(version);
  process.stdout.write(`${JSON.stringify({ version, told: told.get(version) })}\n`);
}
// A version some pools were not told of within 10 s of the last one told is reported as it is.
setInterval(() => {
  for (const [version, times] of told) if (now() - (times.at(-1) ?? 0) > 10_000) report(version);
}, 1000);
const stores = [];
for (let n = 0; n < total; n++) {
  const store = remoteStore({ url: urls[n % urls.length], waitSeconds: 30, timeoutMs: 60_000 });
  stores.push(store);
  const pool = new PersonaPool({ store, watch: true });
  pool.subscribe((snapshot) => {
    if (!ready) return;
    const times = told.get(snapshot.version) ?? [];
    told.set(snapshot.version, times);
    times.push(now());
    if (times.length === total) report(snapshot.version);
  });
}
for (let n = 0; n < total; n += 50) await Promise.all(stores.slice(n, n + 50).map((store) => store.listen()));
await new Promise((resolve) => setTimeout(resolve, 500)); // the first versions told before this are not counted
ready = true;
process.stdout.write('ready\n');
