import type { ParseArgsConfig } from 'node:util';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** A version (`versionOf`: 27 base64url characters) that starts with `-` (about 1 in 64), or `--`. */
const VERSION_LIKE = /^-[A-Za-z0-9_-]{26}$/;

/** Whether `arg` names an option of `options` (`--pool`, `--pool=x`, `-h`). */
function isOption(arg: string, options: OptionSpec): boolean {
  const long = /^--([^=]+)/.exec(arg)?.[1];
  if (long !== undefined) return long in options;
  return Object.values(options).some((spec) => spec.short !== undefined && arg === `-${spec.short}`);
}

/** Whether `arg` is an option that takes the next argument as its value (`--pool x`, not `--pool=x`). */
function takesNext(arg: string, options: OptionSpec): boolean {
  if (arg.includes('=')) return false;
  const spec = arg.startsWith('--') ? options[arg.slice(2)] : Object.values(options).find((option) => arg === `-${option.short ?? ''}`);
  return spec?.type === 'string';
}

/**
 * Takes out of a command line the operand that starts with `-` but is no option: a version such as
 * `-NqB1ufkDQiX-tIla3tyybLDZdM` that `history` printed, so `restore` takes it as pasted.
 *
 * @param argv - The arguments, command included.
 * @param options - The command's options, as `util.parseArgs` takes them.
 * @returns The arguments without it, and it (or undefined when there is none).
 */
export function dashOperand(argv: readonly string[], options: OptionSpec): { readonly argv: readonly string[]; readonly operand: string | undefined } {
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index] as string;
    if (arg === '--') break;
    if (takesNext(arg, options)) index++;
    else if (VERSION_LIKE.test(arg) && !isOption(arg, options)) return { argv: argv.filter((_, k) => k !== index), operand: arg };
  }
  return { argv, operand: undefined };
}
