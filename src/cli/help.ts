/** The commands of `persona-pool`. */
export const COMMANDS = ['import', 'validate', 'show', 'path', 'history', 'restore'] as const;

/** One command of `persona-pool`. */
export type Command = (typeof COMMANDS)[number];

/**
 * Tells whether a word is a command.
 *
 * @param word - The first argument that is not an option.
 * @returns `true` for `import`, `validate`, `show`, `path`, `history` and `restore`.
 */
export function isCommand(word: string): word is Command {
  return (COMMANDS as readonly string[]).includes(word);
}

const POOL_OPTION = '  --pool <path>        Use this pool file instead of the resolved one';
const HELP_OPTION = '  -h, --help           Show this help';
const STORE_OPTIONS = `  --store <kind>       file (default) or postgres: the pool in PostgreSQL, reached with the
                       libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE (or DATABASE_URL)
  --name <pool>        With --store postgres: the pool's name (e.g. global, topology:7)
  --url <url>          With --store remote: the personas API endpoint (a token, if any, in
                       PERSONA_POOL_TOKEN, sent as a Bearer authorization)`;

/** The program's help: `persona-pool --help`. */
export const PROGRAM_HELP = `Usage: persona-pool <command> [options]

Curate the persona pool of the realism engine: a JSON list of email personas.

Commands:
  import <file>        Validate <file> and install its valid personas as the pool
  validate <file>      Check <file> as import does, warnings included; write nothing
  show                 Print the pool's path, its number of personas and a table of them
  path                 Print the path the pool resolves to
  history              List the versions of the pool kept, newest first
  restore <version>    Put a version kept back as the pool
  help [<command>]     Print this help, or a command's

Options:
${POOL_OPTION}
${STORE_OPTIONS}
${HELP_OPTION}
  --version            Print the version of persona-pool

The pool is $DECNET_REALISM_PERSONAS if set, else /etc/decnet/email_personas.json
if it exists or its folder is writable, else ~/.decnet/email_personas.json.
A <file> of - is standard input. No password is ever taken on the command line.
Run "persona-pool <command> --help" for a command's help.`;

/** Each command's help: `persona-pool <command> --help`. */
export const COMMAND_HELP: Readonly<Record<Command, string>> = {
  import: `Usage: persona-pool import <file> [-o <path>] [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>] [--strict] [--json]

Validate <file> and install its valid personas as the pool, under the pool's
lock and atomically: readers see the old pool or the new one, never a mix.
Invalid entries are listed and skipped; nothing is written if none is valid.
Warnings (unknown fields, duplicate emails, unreadable active_hours) are
listed too; they change nothing that is imported.
The version replaced is kept: see "persona-pool history". A <file> of - is
standard input (cat personas.json | persona-pool import -).

Options:
  -o, --output <path>  Install the pool here (wins over --pool and $DECNET_REALISM_PERSONAS)
${POOL_OPTION}
${STORE_OPTIONS}
  --strict             Write nothing, and exit 1, if anything is warned about
  --json               Print { file, path, version, personas, rejected, warnings } as JSON, nothing else
${HELP_OPTION}`,
  validate: `Usage: persona-pool validate <file> [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>] [--strict] [--json]

Check <file> as import does and list every invalid entry with its reasons,
and every warning (unknown fields, duplicate emails, unreadable active_hours).
Nothing is written. Exit 0 if every entry is valid, 1 otherwise. A <file> of -
is standard input.

Options:
  --pool <path>        Accepted for symmetry; validate does not read the pool
  --store <kind>       Accepted for symmetry (file or postgres)
  --name <pool>        Accepted for symmetry
  --url <url>          Accepted for symmetry
  --strict             Exit 1 if anything is warned about, too
  --json               Print { file, personas, rejected, warnings } as JSON, nothing else
${HELP_OPTION}`,
  show: `Usage: persona-pool show [--json] [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>]

Print the pool's path, its number of personas and a table of them.

Options:
  --json               Print { path, version, personas } (and problem, if the file is unusable) as JSON
${POOL_OPTION}
${STORE_OPTIONS}
${HELP_OPTION}`,
  path: `Usage: persona-pool path [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>]

Print the path the pool resolves to now.

Options:
${POOL_OPTION}
${STORE_OPTIONS}
${HELP_OPTION}`,
  history: `Usage: persona-pool history [--json] [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>]

List the versions of the pool kept in <pool file>.history/, newest first: each
import (and each write through the API) keeps the version it replaces, the
last 20 of them. Restore one with "persona-pool restore <version>".

Options:
  --json               Print { path, versions: [{ version, savedAt, count }] } as JSON
${POOL_OPTION}
${STORE_OPTIONS}
${HELP_OPTION}`,
  restore: `Usage: persona-pool restore <version> [--pool <path>] [--store <kind>] [--name <pool>] [--url <url>]

Put a version that "persona-pool history" lists back as the pool, under the
pool's lock and atomically. The version it replaces is kept in turn, so a
restore can be undone too. Exit 1 if no such version is kept.

Options:
${POOL_OPTION}
${STORE_OPTIONS}
${HELP_OPTION}`,
};

/**
 * The short usage printed under a command-line error: the help's first line and where to find the rest.
 *
 * @param name - The command, or undefined for the program.
 * @returns Two lines.
 */
export function usageOf(name?: Command): string {
  const help = name === undefined ? PROGRAM_HELP : COMMAND_HELP[name];
  return `${help.slice(0, help.indexOf('\n'))}\nRun "persona-pool${name === undefined ? '' : ` ${name}`} --help" for more.`;
}
