/** Command-line flags shared by every compplan command: `--name value`, `--name=value`, `--switch`. */

/** Wrong usage of a command: reported with the usage text and exit code 2. */
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
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (m === null) {
      positional.push(a);
      continue;
    }
    const name = m[1] as string;
    if (booleans.includes(name)) {
      out[name] = true;
      continue;
    }
    if (!valued.includes(name)) throw new UsageError(`unknown option --${name}`);
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
