/**
 * Run folders written atomically. `compplan run` (and `compplan diff`) write every file into a temporary
 * sibling folder `.NAME.compplan-tmp-PID` next to the output folder NAME, and only when every file is
 * complete swap it into place: NAME is renamed aside to `.NAME.compplan-old-PID`, the new folder is renamed
 * to NAME, and the old one is deleted. A run that fails removes its temporary folder; a run that is killed
 * leaves it (or the aside folder) behind, and the next run into NAME cleans it up — restoring the earlier
 * run when it was killed between the two renames. So NAME always holds one run's complete files, the
 * earlier run's or the new one's, never a mix.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, realpathSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { UsageError } from "./flags.js";

/** The names of the files a run folder may hold (what `compplan run` writes). */
export const RUN_FILES: readonly string[] = ["bundle.json", "statements.ndjson", "summary.json", "statements.csv", "state.ndjson", "lines.parquet", "totals.parquet"];

/** The names of the files a what-if folder may hold (what `compplan diff` writes). */
export const DIFF_FILES: readonly string[] = ["diff.json", "report.html"];

/** The files `compplan sweep --out` writes. */
export const SWEEP_FILES: readonly string[] = ["sweep.json"];

/** An error the operating system would give for an output that cannot be written (exit 5 in the CLI). */
function systemError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

/** `path` with symbolic links resolved as far as it exists (the rest appended as given). */
function realish(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  for (let p = abs; ; p = dirname(p)) {
    try {
      return join(realpathSync(p), ...rest.reverse());
    } catch {
      if (dirname(p) === p) return abs;
      rest.push(basename(p));
    }
  }
}

/** True when `path` is `folder` or inside it. */
function inside(folder: string, path: string): boolean {
  const r = relative(folder, path);
  return r === "" || (!isAbsolute(r) && r !== ".." && !r.startsWith(`..${sep}`));
}

/**
 * Removes the temporary files (`NAME.compplan-tmp-PID`) that a stopped earlier process left in `dir` next to
 * `names`, leaving those of running processes alone. Returns a note per file removed.
 */
export function removeStaleTempFiles(dir: string, names: readonly string[]): string[] {
  const notes: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return notes;
  }
  for (const entry of entries) {
    const m = /^(.*)\.compplan-tmp-(\d+)$/.exec(entry);
    if (m === null || !names.includes(m[1] as string) || alive(Number(m[2]))) continue;
    rmSync(join(dir, entry), { force: true });
    notes.push(`removed ${join(dir, entry)}, left by a run that was stopped before it finished`);
  }
  return notes;
}

/** Whether process `pid` is still running (a leftover of a running process must not be touched). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** Options of {@link RunFolder.open}. */
export interface RunFolderOptions {
  /** The input files of the run: the folder may not contain any of them. */
  readonly inputs: readonly string[];
  /** The file names this kind of folder holds; a folder holding anything else is refused without `force`. */
  readonly names: readonly string[];
  /** Also accepts entries whose name passes this test (a chain's period folders, `2026-01`). */
  readonly accept?: (name: string) => boolean;
  /** Replace a folder that holds other files too. */
  readonly force?: boolean;
  /** Whether the command has a --force option, to suggest it (default true). */
  readonly canForce?: boolean;
  /** The command's flag naming the folder, for messages (default `--out`). */
  readonly flag?: string;
}

/** A run folder being written: files go to {@link RunFolder.path}, then {@link RunFolder.commit} swaps it in. */
export class RunFolder {
  /** Remarks for stderr (a leftover of a killed run cleaned up or restored). */
  readonly notes: string[] = [];
  /** The temporary folder the files are written to. */
  readonly tmp: string;
  private readonly aside: string;
  private done = false;

  private constructor(readonly dir: string) {
    const name = basename(dir);
    this.tmp = join(dirname(dir), `.${name}.compplan-tmp-${process.pid}`);
    this.aside = join(dirname(dir), `.${name}.compplan-old-${process.pid}`);
  }

  /**
   * Checks the output folder may be written (it contains no input; it is absent, empty or holds only
   * `names`, unless `force`) and cleans up what killed runs left beside it. Nothing is written before
   * {@link RunFolder.create}.
   * Throws UsageError (exit 2) when refused, an Error with a system `code` when the folder is a file.
   */
  static open(dir: string, options: RunFolderOptions): RunFolder {
    const flag = options.flag ?? "--out";
    const out = realish(dir);
    for (const input of options.inputs) {
      if (inside(out, realish(input))) {
        throw new UsageError(`${flag} ${dir} contains the input file ${input}: a run replaces the whole folder; write the run to another folder`);
      }
    }
    const folder = new RunFolder(resolve(dir));
    folder.recover();
    const stat = lstatOrUndefined(folder.dir);
    if (stat?.isSymbolicLink() === true) throw new UsageError(`${flag} ${dir} is a symbolic link: give the folder it points to`);
    if (stat !== undefined && !stat.isDirectory()) throw systemError(`cannot write ${dir}: it is a file, not a folder`, "ENOTDIR");
    if (stat !== undefined && options.force !== true) {
      const foreign = readdirSync(folder.dir).filter((f) => !options.names.includes(f) && options.accept?.(f) !== true);
      if (foreign.length > 0) {
        const shown = foreign.sort().slice(0, 5).join(", ") + (foreign.length > 5 ? ` and ${foreign.length - 5} more` : "");
        throw new UsageError(`${flag} ${dir} holds files compplan did not write (${shown}); a run replaces the whole folder: choose a new or empty folder${options.canForce === false ? "" : ", or pass --force to replace it"}`);
      }
    }
    return folder;
  }

  /** Creates the (empty) temporary folder, and the folder's parents when missing. */
  create(): void {
    mkdirSync(dirname(this.dir), { recursive: true });
    rmSync(this.tmp, { recursive: true, force: true });
    mkdirSync(this.tmp);
  }

  /** The path of file `name` inside the temporary folder. */
  path(name: string): string {
    return join(this.tmp, name);
  }

  /** Swaps the complete temporary folder into place; the earlier folder is deleted. */
  commit(): void {
    if (existsSync(this.dir)) {
      renameSync(this.dir, this.aside);
      try {
        renameSync(this.tmp, this.dir);
      } catch (e) {
        renameSync(this.aside, this.dir);
        throw e;
      }
      rmSync(this.aside, { recursive: true, force: true });
    } else renameSync(this.tmp, this.dir);
    this.done = true;
  }

  /** After a failure: deletes the temporary folder (the earlier folder was never touched). */
  discard(): void {
    if (!this.done) rmSync(this.tmp, { recursive: true, force: true });
  }

  /**
   * Cleans up beside the folder what runs killed midway left: temporary folders are deleted; a folder set
   * aside is restored when the folder itself is missing (the run was killed between the two renames) and
   * deleted otherwise. Leftovers of processes still running are left alone.
   */
  private recover(): void {
    const parent = dirname(this.dir);
    const name = basename(this.dir);
    let entries: string[];
    try {
      entries = readdirSync(parent);
    } catch {
      return; // no parent yet: nothing left over
    }
    const prefix = `.${name}.compplan-`;
    const leftovers = entries
      .filter((e) => e.startsWith(prefix))
      .map((e) => ({ e, m: /^(tmp|old)-(\d+)$/.exec(e.slice(prefix.length)) }))
      .filter((x) => x.m !== null && !alive(Number(x.m[2])));
    // Restore an earlier run first (its temporary sibling, complete or not, is then only a leftover).
    for (const { e, m } of leftovers) {
      const path = join(parent, e);
      if (m?.[1] === "old" && !existsSync(this.dir)) {
        renameSync(path, this.dir);
        this.notes.push(`restored ${this.dir} from ${path}, set aside by a run that was stopped before it finished`);
      }
    }
    for (const { e } of leftovers) {
      const path = join(parent, e);
      if (!existsSync(path)) continue;
      rmSync(path, { recursive: true, force: true });
      this.notes.push(`removed ${path}, left by a run that was stopped before it finished`);
    }
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Writes a folder atomically: opens it ({@link RunFolder.open}), calls `write` with it, and swaps it into
 * place when `write` returns; when `write` throws, the temporary folder is deleted and the error rethrown.
 */
export function writeFolder<T>(dir: string, options: RunFolderOptions, write: (folder: RunFolder) => T): { value: T; notes: readonly string[] } {
  const folder = RunFolder.open(dir, options);
  try {
    folder.create();
    const value = write(folder);
    folder.commit();
    return { value, notes: folder.notes };
  } finally {
    folder.discard();
  }
}
