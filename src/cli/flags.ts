/**
 * Command-line flags shared by every compplan command: `--name value`, `--name=value`, `--switch`, and `--`
 * (every argument after it is positional, even one starting with a dash).
 */
import { didYouMean } from "./suggest.js";

/** Wrong usage of a command: reported in one line plus where to get help, with exit code 2. */
export class UsageError extends Error {}

/** Parsed flags: a value per valued flag, `true` per switch given. */
export type Flags = Record<string, string | true>;

/** Parses `args` against the known valued flags and switches; throws UsageError on anything else. */
export function parseFlags(args: readonly string[], valued: readonly string[], booleans: readonly string[]): Flags {
  const { positional, flags } = parseArgs(args, valued, booleans);
  if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
  return flags;
}

/** `--ignore-columns a,b` as the `ignoreColumns` option of the input readers (nothing when not given). */
export function ignoreColumnsOf(flags: Flags): { ignoreColumns?: string[] } {
  const v = flags["ignore-columns"];
  if (typeof v !== "string") return {};
  return { ignoreColumns: v.split(",").map((name) => name.trim()).filter((name) => name !== "") };
}

/** Like {@link parseFlags}, but arguments that are not flags are kept, in order, as positional. */
export function parseArgs(args: readonly string[], valued: readonly string[], booleans: readonly string[]): { positional: string[]; flags: Flags } {
  const out: Flags = {};
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === "--") {
      positional.push(...args.slice(i + 1));
      break;
    }
    const m = /^--([^=]+)(?:=(.*))?$/s.exec(a);
    if (m === null) {
      positional.push(a);
      continue;
    }
    const name = m[1] as string;
    if (booleans.includes(name)) {
      if (m[2] !== undefined) throw new UsageError(`--${name} takes no value`);
      out[name] = true;
      continue;
    }
    if (!valued.includes(name)) throw new UsageError(`unknown option --${name}${didYouMean(name, [...valued, ...booleans], (n) => `--${n}`)}`);
    const value = m[2] ?? args[++i];
    if (value === undefined || value.startsWith("--")) throw new UsageError(`--${name} needs a value`);
    if (name in out) throw new UsageError(`--${name} is given twice`);
    out[name] = value;
  }
  return { positional, flags: out };
}

/** The value of a valued flag that must be given. */
export function required(flags: Flags, name: string): string {
  const v = flags[name];
  if (typeof v !== "string") throw new UsageError(`--${name} is required`);
  return v;
}

/**
 * @internal Whether one of `names` (such as `--help` or `-h`) is among `args` before any `--`. A command's
 * own parse then rejects it where it is not a flag of that command.
 */
export function hasFlag(args: readonly string[], ...names: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).some((a) => names.includes(a));
}

/** @internal The two lines printed for wrong usage: what is wrong, and where to get help. */
export function usageErrorText(command: string | undefined, message: string): string {
  return command === undefined
    ? `compplan: ${message}\nRun "compplan help" for the list of commands.\n`
    : `compplan ${command}: ${message}\nRun "compplan ${command} --help" for its usage.\n`;
}
