import type { EventEmitter } from 'node:events';

/** A stream the command line writes text to. */
export interface Writer {
  write(text: string): unknown;
}

/** The outside world of {@link main}: where it writes, the environment it reads, and whether colour may be used. */
export interface CliIo {
  /** Results: what a script pipes on. */
  readonly stdout: Writer;
  /** Errors, warnings and rejected entries. */
  readonly stderr: Writer;
  /** The variables the pool path is resolved from (`DECNET_REALISM_PERSONAS`), and `NO_COLOR`/`TERM`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal; colour is only ever used there. */
  readonly isTTY: boolean;
  /** Standard input, read for the file `-`; asked for only then. Without it, `-` cannot be read. */
  readonly stdin?: (() => AsyncIterable<Uint8Array | string>) | undefined;
}

/** How the commands speak: results to stdout, the rest to stderr, each call one or more lines. */
export interface Output {
  /** Writes lines of a result to stdout. */
  result(...lines: string[]): void;
  /** Writes plain lines to stderr. */
  note(...lines: string[]): void;
  /** Writes `Warning: <message>` to stderr. */
  warn(message: string): void;
  /** Writes `error: <message>` to stderr; returns exit code 1. */
  fail(message: string): 1;
  /** Writes `error: <message>` and then `usage` to stderr; returns exit code 2. */
  usage(message: string, usage: string): 2;
}

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const RESET = '\u001b[39m';

/**
 * Tells whether stderr may be coloured: a terminal, no `NO_COLOR` (any non-empty value), and not `TERM=dumb`.
 *
 * @param io - The CLI's outside world.
 * @returns `true` when colour is allowed.
 */
export function useColour(io: CliIo): boolean {
  return io.isTTY && (io.env.NO_COLOR ?? '') === '' && io.env.TERM !== 'dumb';
}

/**
 * Builds the {@link Output} of one run.
 *
 * @param io - The CLI's outside world.
 * @returns The output.
 */
export function outputFor(io: CliIo): Output {
  const paint = useColour(io) ? (colour: string, text: string) => `${colour}${text}${RESET}` : (_: string, text: string) => text;
  const toStderr = (...lines: string[]) => void io.stderr.write(lines.map((line) => `${line}\n`).join(''));
  return {
    result: (...lines) => void io.stdout.write(lines.map((line) => `${line}\n`).join('')),
    note: toStderr,
    warn: (message) => toStderr(`${paint(YELLOW, 'Warning')}: ${message}`),
    fail: (message) => (toStderr(`${paint(RED, 'error')}: ${message}`), 1),
    usage: (message, usage) => (toStderr(`${paint(RED, 'error')}: ${message}`, usage), 2),
  };
}

// C0 and C1 control characters: a file's text must not drive the operator's terminal.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/**
 * Makes text from a file safe to print: control characters become `\u{…}` escapes.
 *
 * @param text - Any text.
 * @returns The text, printable.
 */
export function printable(text: string): string {
  return text.replace(CONTROL, (char) => `\\u{${char.charCodeAt(0).toString(16)}}`);
}

interface NodeStream extends Writer, Pick<EventEmitter, 'on'> {
  readonly isTTY?: boolean;
}

/** The parts of `process` that {@link processIo} uses. */
export interface NodeProcess {
  readonly stdout: NodeStream;
  readonly stderr: NodeStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin?: AsyncIterable<Uint8Array | string>;
}

/**
 * The real outside world. A reader that closes stdout early (`persona-pool show | head`) ends the
 * output quietly instead of crashing the program.
 *
 * @param proc - `process`, or a stand-in.
 * @returns The CLI's outside world.
 */
export function processIo(proc: NodeProcess = process): CliIo {
  proc.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  });
  // `process.stdin` is a getter that opens the stream: taken only when a command reads `-`.
  const stdin = 'stdin' in proc ? () => proc.stdin as AsyncIterable<Uint8Array | string> : undefined;
  return { stdout: proc.stdout, stderr: proc.stderr, env: proc.env, isTTY: proc.stderr.isTTY === true, stdin };
}
