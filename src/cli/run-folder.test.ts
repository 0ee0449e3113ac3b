// Run folders are replaced whole, only once complete: the swap, a write that fails midway, and the
// leftovers of killed runs (test/cli.test.ts kills a real run; this checks the mechanism directly).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RUN_FILES, removeStaleTempFiles, writeFolder } from "./run-folder.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-folder-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { inputs: [], names: RUN_FILES };
const files = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, readFileSync(join(d, f), "utf8")]));

describe("writeFolder", () => {
  it("replaces the folder whole: a file the new write does not write is gone", () => {
    const out = join(dir, "whole");
    writeFolder(out, options, (f) => {
      writeFileSync(f.path("summary.json"), "1");
      writeFileSync(f.path("statements.csv"), "old");
    });
    writeFolder(out, options, (f) => writeFileSync(f.path("summary.json"), "2"));
    expect(files(out)).toEqual({ "summary.json": "2" });
    expect(readdirSync(dir).filter((f) => f.includes("compplan-"))).toEqual([]);
  });

  it("a write that throws midway leaves the earlier folder as it was and no temporary folder", () => {
    const out = join(dir, "fails");
    writeFolder(out, options, (f) => {
      writeFileSync(f.path("statements.ndjson"), "earlier statements\n");
      writeFileSync(f.path("summary.json"), "earlier summary");
    });
    expect(() =>
      writeFolder(out, options, (f) => {
        writeFileSync(f.path("statements.ndjson"), "half of the new");
        throw new Error("disk full, say");
      }),
    ).toThrow("disk full, say");
    expect(files(out)).toEqual({ "statements.ndjson": "earlier statements\n", "summary.json": "earlier summary" });
    expect(readdirSync(dir).filter((f) => f.includes("compplan-"))).toEqual([]);
  });

  it("removes what a killed run left beside the folder, but not what a running process is writing", () => {
    const out = join(dir, "leftovers");
    const dead = join(dir, ".leftovers.compplan-tmp-999999999");
    const running = join(dir, `.leftovers.compplan-tmp-${process.ppid}`);
    mkdirSync(dead);
    mkdirSync(running);
    const r = writeFolder(out, options, (f) => writeFileSync(f.path("summary.json"), "new"));
    expect(r.notes).toEqual([`removed ${dead}, left by a run that was stopped before it finished`]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(running)).toBe(true);
  });
});

describe("removeStaleTempFiles (compplan generate's per-file temporaries)", () => {
  it("removes a temporary file of a stopped process next to the names given, and keeps a running process's", () => {
    const out = join(dir, "generated");
    mkdirSync(out, { recursive: true });
    // A process that has ended: its pid is free (reuse within the test is not a concern on this scale).
    const ended = spawnSync(process.execPath, ["-e", ""]).pid as number;
    const running = process.ppid;
    writeFileSync(join(out, `members.csv.compplan-tmp-${ended}`), "half");
    writeFileSync(join(out, `orders.csv.compplan-tmp-${running}`), "being written");
    writeFileSync(join(out, `notes.txt.compplan-tmp-${ended}`), "not ours");
    const notes = removeStaleTempFiles(out, ["members.csv", "orders.csv"]);
    expect(notes).toEqual([`removed ${join(out, `members.csv.compplan-tmp-${ended}`)}, left by a run that was stopped before it finished`]);
    expect(readdirSync(out).sort()).toEqual([`notes.txt.compplan-tmp-${ended}`, `orders.csv.compplan-tmp-${running}`]);
  });
});
