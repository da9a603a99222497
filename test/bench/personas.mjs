// Realistic personas from a seeded PRNG, so every run of the benchmarks parses and writes the same bytes.

/** mulberry32: a small, fast, seeded 32-bit PRNG. */
function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Ann', 'José', 'Zoë', 'Łukasz', 'Søren', 'Ngozi', 'Ayşe', 'Björn', 'Chloé', 'Dmitri', 'Émile', 'Fatima', 'Grzegorz', 'Hiroshi', 'Ingrid', 'Jürgen', 'Kwame', 'Laila', 'Mateo', 'Nuño', 'Olga', 'Priya', 'Rafał', 'Siobhán', 'Tomás', 'Ulrike', 'Wei', 'Ximena', 'Yusuf', 'Zsófia', '美咲', 'Владимир'];
const LAST = ['Lee', 'Álvarez', 'Müller', 'Wójcik', 'Kierkegaard', 'Okafor', 'Yılmaz', 'Ødegaard', 'Dubois', 'Ivanov', 'Gonçalves', 'Nakamura', 'Brennan', 'Schäfer', 'Mensah', 'Haddad', 'García', 'Kowalczyk', 'Sørensen', 'Novák', 'Patel', 'Ó Súilleabháin', 'Chen', '佐藤', 'Смирнова', 'Fernández-López'];
const ROLES = ['CFO', 'CEO', 'IT Administrator', 'HR Manager', 'Payroll Clerk', 'Sales Director', 'Accounts Payable', 'Office Manager', 'Security Analyst', 'DevOps Engineer', 'Legal Counsel', 'Procurement Lead', 'Executive Assistant', 'Chief of Staff', 'Database Administrator'];
const TONES = ['formal', 'direct', 'casual', 'technical', 'custom'];
const CUSTOM_TONES = ['dry, terse, signs off with initials', 'warm but hurried', 'pedantic about units', 'overly apologetic', 'bullet points only — never prose'];
const MANNERISMS = ['uses "per my last email"', 'double-checks figures twice', 'writes in lower case', 'adds a P.S.', 'replies within the hour', 'cc\'s the whole team', 'uses emoji 🙂', 'quotes the policy number', 'never uses greetings', 'signs with a quote', 'mentions the weather', 'asks for a call instead'];
const LANGUAGES = ['en', 'en', 'en', 'de', 'fr', 'es', 'pt-BR', 'ja', 'pl', 'tr', 'nl', null];
const HOURS = ['09:00-18:00', '08:00-17:00', '07:30-16:30', '10:00-19:00', '22:00-06:00', '9:00-17:30', '06:00-14:00'];
const LATENCIES = ['fast', 'normal', 'slow'];
const LLM = [true, false, false, 'yes', 'no', 0, 1, 'on'];
const DOMAINS = ['corp.example', 'finance.corp.example', 'example.org', 'mail.example.net'];

/** ASCII-folds a name for the local part of an address. */
function localPart(text) {
  return text.normalize('NFKD').replace(/[^A-Za-z]/g, '').toLowerCase() || 'user';
}

/**
 * `count` personas, the same for the same seed: varied names (non-ASCII included), roles, tones
 * (custom ones with `tone_custom`), mannerisms, signatures, languages (some null), active hours.
 */
export function generatePersonas(count, seed = 42) {
  const random = prng(seed);
  const pick = (list) => list[Math.floor(random() * list.length)];
  return Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const name = `${first} ${last}`;
    const tone = pick(TONES);
    const role = pick(ROLES);
    const persona = {
      name,
      email: `${localPart(first)}.${localPart(last)}${index}@${pick(DOMAINS)}`,
      role,
      tone,
      tone_custom: tone === 'custom' ? pick(CUSTOM_TONES) : null,
      mannerisms: Array.from({ length: Math.floor(random() * 5) }, () => pick(MANNERISMS)),
      language: pick(LANGUAGES),
      signature: random() < 0.7 ? `${name}\n${role}\n+1 555 01${String(index % 100).padStart(2, '0')}` : null,
      active_hours: pick(HOURS),
      reply_latency: pick(LATENCIES),
      uses_llms_heavily: pick(LLM),
    };
    if (random() < 0.2 && tone !== 'custom') delete persona.tone_custom;
    if (random() < 0.2) delete persona.reply_latency;
    return persona;
  });
}

/** The pool file text of `count` personas, as the library writes it (2-space indent, trailing newline). */
export function personasText(count, seed = 42) {
  return `${JSON.stringify(generatePersonas(count, seed), null, 2)}\n`;
}
