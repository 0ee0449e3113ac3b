// State between periods from the command line (docs/state.md "Running with state", docs/audit.md): run with
// --state, the closing state in the run folder, the bundle's state fields, replay and explain of state.
// Expected values are worked by hand from docs/state.md (grace and hold rules).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./fixtures/cli.js";
import { GRACE_PLAN } from "./fixtures/state.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-state-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PLAN = GRACE_PLAN;
const plan = join(dir, "plan.yaml");
writeFileSync(plan, PLAN);
const stateless = join(dir, "stateless.yaml");
writeFileSync(stateless, PLAN.replace("paidAs: { grace: 1 }\n", ""));
const members = join(dir, "members.csv");
writeFileSync(members, "id,sponsorId,joinDate\nA,,2024-01-01\nB,A,2024-01-01\n");

/** Orders of a month: A's PV and B's PV. */
function orders(period: string, a: string, b: string): string {
  const file = join(dir, `orders-${period}.csv`);
  writeFileSync(file, `id,memberId,kind,date,PV\noa-${period},A,personal-consumption,${period}-10,${a}\nob-${period},B,personal-consumption,${period}-10,${b}\n`);
  return file;
}
const sep = orders("2026-09", "200", "100");
const oct = orders("2026-10", "100", "100");
const nov = orders("2026-11", "100", "0");
const run = (period: string, file: string, out: string, ...more: string[]) => cli("run", "--plan", plan, "--members", members, "--orders", file, "--period", period, "--out", out, ...more);
const read = (...p: string[]) => readFileSync(join(...p), "utf8");
const ranks = (out: string) =>
  read(out, "statements.ndjson")
    .trimEnd()
    .split("\n")
    .map((l) => (JSON.parse(l) as { rank: { paidAs: string | null } }).rank.paidAs);

describe("compplan run --state", () => {
  const p9 = join(dir, "2026-09");
  const p10 = join(dir, "2026-10");
  const p11 = join(dir, "2026-11");

  it("a first period says so on stderr in one line and writes the closing state", () => {
    const r = run("2026-09", sep, p9);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("compplan: no opening state: every member starts at the initial values (a first period; give the previous period's state with --state)\n");
    expect(ranks(p9)).toEqual(["Silver", "Bronze"]);
    expect(read(p9, "state.ndjson").split("\n").slice(1)).toEqual([
      '{"id":"A","rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":1}',
      '{"id":"B","rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":1}',
      "",
    ]);
    expect(JSON.parse(read(p9, "bundle.json")).files["state.ndjson"].bytes).toBe(Buffer.byteLength(read(p9, "state.ndjson")));
  });

  it("reads the opening state: A kept Silver in grace, then Bronze when the grace is used", () => {
    const r10 = run("2026-10", oct, p10, "--state", join(p9, "state.ndjson"));
    expect(r10.code, r10.stderr).toBe(0);
    expect(r10.stderr).toBe("");
    expect(ranks(p10)).toEqual(["Silver", "Bronze"]);
    expect(read(p10, "state.ndjson")).toContain('{"id":"A","rank.grace":1,"rank.highest":"Silver","rank.paidAs":"Silver","rank.periods":2}\n');
    const r11 = run("2026-11", nov, p11, "--state", join(p10, "state.ndjson"));
    expect(r11.code, r11.stderr).toBe(0);
    // A: 100 PV gives Bronze, its grace is used. B: no PV gives no rank, kept Bronze in grace (1 of 1).
    expect(ranks(p11)).toEqual(["Bronze", "Bronze"]);
    expect(read(p11, "state.ndjson").split("\n").slice(1)).toEqual([
      '{"id":"A","rank.highest":"Silver","rank.paidAs":"Bronze","rank.periods":1}',
      '{"id":"B","rank.grace":1,"rank.highest":"Bronze","rank.paidAs":"Bronze","rank.periods":3}',
      "",
    ]);
  });

  it("a bad state file is a coded issue with file and line, exit 1, nothing written", () => {
    const bad = join(dir, "bad-state.ndjson");
    writeFileSync(bad, read(p9, "state.ndjson").replace('"rank.periods":1}\n{"id":"B"', '"rank.periods":-1}\n{"id":"B"'));
    const out = join(dir, "never");
    const r = run("2026-10", oct, out, "--state", bad);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("STATE_INVALID_VALUE");
    expect(r.stderr).toContain(`${bad}:2`);
    expect(existsSync(out)).toBe(false);
    // The state of another period: STATE_PERIOD at line 1.
    const late = run("2026-11", nov, out, "--state", join(p9, "state.ndjson"));
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("STATE_PERIOD");
    expect(late.stderr).toContain(`${join(p9, "state.ndjson")}:1`);
    expect(existsSync(out)).toBe(false);
    // A state file that is not there.
    const missing = run("2026-10", oct, out, "--state", join(dir, "nowhere.ndjson"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("INPUT_UNREADABLE");
    expect(existsSync(out)).toBe(false);
  });

  it("--state given to a plan that keeps none: STATE_FIELDS names the fields, exit 1", () => {
    const r = cli("run", "--plan", stateless, "--members", members, "--orders", oct, "--period", "2026-10", "--out", join(dir, "never"), "--state", join(p9, "state.ndjson"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("STATE_FIELDS");
    expect(r.stderr).toContain("the state has rank.highest (rank), rank.paidAs (rank), rank.periods (count), rank.grace (count), which the plan does not keep");
  });

  it("a run without state writes no state.ndjson, and none survives from an earlier run into the folder", () => {
    const out = join(dir, "reused");
    expect(run("2026-09", sep, out).code).toBe(0);
    expect(existsSync(join(out, "state.ndjson"))).toBe(true);
    const r = cli("run", "--plan", stateless, "--members", members, "--orders", sep, "--period", "2026-09", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    expect(existsSync(join(out, "state.ndjson"))).toBe(false);
    expect(JSON.parse(read(out, "bundle.json")).format).toBe("compplan-bundle/2");
  });

  it("--out may not hold the state file it reads", () => {
    const r = run("2026-10", oct, p9, "--state", join(p9, "state.ndjson"));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("contains the input file");
  });
});

describe("the bundle of a run with state (compplan-bundle/3)", () => {
  const b9 = join(dir, "b-2026-09");
  const b10 = join(dir, "b-2026-10");
  const bundle = (out: string) => JSON.parse(read(out, "bundle.json"));
  const sha = (text: string) => `sha256:${createHash("sha256").update(text).digest("hex")}`;

  it("records the opening state (none, or its fingerprint, period, file and the previous bundle) and the closing state", () => {
    expect(run("2026-09", sep, b9).code).toBe(0);
    const first = bundle(b9);
    expect(first.format).toBe("compplan-bundle/3");
    expect(first.state).toEqual({ closing: { fingerprint: sha(read(b9, "state.ndjson")) }, opening: null });
    expect(first.outputs).toEqual(["state.ndjson", "statements.ndjson", "summary.json"]);
    const r = run("2026-10", oct, b10, "--state", join(b9, "state.ndjson"), "--embed-inputs");
    expect(r.code, r.stderr).toBe(0);
    const second = bundle(b10);
    expect(second.state.opening).toEqual({
      bundle: first.fingerprint,
      file: "../b-2026-09/state.ndjson",
      fingerprint: sha(read(b9, "state.ndjson")),
      lines: read(b9, "state.ndjson").trimEnd().split("\n"),
      period: "2026-09",
    });
    expect(second.state.closing.fingerprint).toBe(sha(read(b10, "state.ndjson")));
  });

  it("the bundle fingerprint covers the states but not the state's file name or embedded lines", () => {
    const plain = join(dir, "b-plain");
    expect(run("2026-10", oct, plain, "--state", join(b9, "state.ndjson")).code).toBe(0);
    expect(bundle(plain).fingerprint).toBe(bundle(b10).fingerprint);
    // The state copied elsewhere, without the bundle beside it: no previous bundle, another fingerprint.
    const copy = join(dir, "copied-state.ndjson");
    writeFileSync(copy, read(b9, "state.ndjson"));
    const other = join(dir, "b-copy");
    expect(run("2026-10", oct, other, "--state", copy).code).toBe(0);
    expect(bundle(other).state.opening.bundle).toBeUndefined();
    expect(bundle(other).state.opening.file).toBe("../copied-state.ndjson");
    expect(bundle(other).fingerprint).not.toBe(bundle(b10).fingerprint);
  });

  it("a state file beside a bundle that does not record it as its closing state: a note, no previous bundle", () => {
    const folder = join(dir, "edited");
    mkdirSync(folder);
    writeFileSync(join(folder, "bundle.json"), read(b9, "bundle.json"));
    writeFileSync(join(folder, "state.ndjson"), read(b9, "state.ndjson").replace('"rank.periods":1}\n{"id":"B"', '"rank.periods":2}\n{"id":"B"'));
    const out = join(dir, "b-edited");
    const r = run("2026-10", oct, out, "--state", join(folder, "state.ndjson"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`note: ${join(folder, "state.ndjson")} is not the closing state ${join(folder, "bundle.json")} records`);
    expect(bundle(out).state.opening.bundle).toBeUndefined();
  });
});

describe("compplan replay of a run with state", () => {
  const r9 = join(dir, "r-2026-09");
  const r10 = join(dir, "r-2026-10");
  const setup = () => {
    if (existsSync(r10)) return;
    expect(run("2026-09", sep, r9).code).toBe(0);
    expect(run("2026-10", oct, r10, "--state", join(r9, "state.ndjson")).code).toBe(0);
  };

  it("verifies the opening state (from the file the bundle records) and state.ndjson byte for byte", () => {
    setup();
    const first = cli("replay", r9);
    expect(first.code, first.stdout).toBe(0);
    expect(first.stdout).toContain("opening state: none (a first period: every member at the initial values), as the bundle records");
    const r = cli("replay", r10);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`inputs: members from ${join(r10, "..", "members.csv")}`);
    expect(r.stdout).toContain(`opening state from ${join(r10, "..", "r-2026-09", "state.ndjson")}`);
    expect(r.stdout).toMatch(/opening state: closing 2026-09, given, fingerprint sha256:[0-9a-f]{64} matches/);
    expect(r.stdout).toMatch(/closing state: fingerprint sha256:[0-9a-f]{64} matches; state.ndjson, 3 lines, byte for byte identical/);
  });

  it("a tampered state.ndjson is a difference naming the line, member and field, exit 4", () => {
    setup();
    const copy = join(dir, "r-tampered");
    expect(run("2026-10", oct, copy, "--state", join(r9, "state.ndjson")).code).toBe(0);
    const path = join(copy, "state.ndjson");
    writeFileSync(path, read(path).replace('"rank.grace":1,', '"rank.grace":2,'));
    const r = cli("replay", copy);
    expect(r.code).toBe(4);
    expect(r.stdout).toContain('first difference: state.ndjson line 2 (member A): rank.grace is "2" but the replay writes "1"');
    expect(r.stdout).toContain("check state, member A, line 2, field rank.grace, recorded \"2\", recomputed \"1\"");
    expect(r.stdout).toContain("state.ndjson has changed since the run");
    // A state.ndjson removed: the bundle's outputs name it.
    rmSync(path);
    const gone = cli("replay", copy);
    expect(gone.code).toBe(4);
    expect(gone.stdout).toContain("state.ndjson is missing from the run folder");
  });

  it("the opening state the bundle records moved or changed: AUDIT_INPUT_MISSING / AUDIT_INPUT_MISMATCH, exit 1; --state gives it", () => {
    setup();
    const state = join(r9, "state.ndjson");
    const text = read(state);
    const moved = join(dir, "moved-state.ndjson");
    writeFileSync(moved, text);
    rmSync(state);
    const missing = cli("replay", r10);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("AUDIT_INPUT_MISSING");
    expect(missing.stderr).toContain("the bundle records the run's opening state as ../r-2026-09/state.ndjson");
    const given = cli("replay", r10, "--state", moved);
    expect(given.code, given.stdout).toBe(0);
    writeFileSync(state, text.replace('"rank.periods":1}\n{"id":"B"', '"rank.periods":2}\n{"id":"B"'));
    const changed = cli("replay", r10);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain("AUDIT_INPUT_MISMATCH");
    expect(changed.stderr).toContain("has changed since the run");
    // Another opening state given: a difference (the recomputed run differs too), exit 4.
    const wrong = cli("replay", r10, "--state", state);
    expect(wrong.code).toBe(4);
    expect(wrong.stdout).toContain("first difference: the opening state given is not the one the run read: its fingerprint differs");
    writeFileSync(state, text);
  });

  it("with --embed-inputs the bundle alone replays the run; an edited embedded state is named", () => {
    setup();
    const out = join(dir, "r-embedded");
    expect(run("2026-10", oct, out, "--state", join(r9, "state.ndjson"), "--embed-inputs").code).toBe(0);
    const r = cli("replay", out);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("opening state: closing 2026-09, embedded in the bundle");
    const bundle = join(out, "bundle.json");
    writeFileSync(bundle, read(bundle).replace('"rank.periods\\":1}",\n        "{\\"id\\":\\"B', '"rank.periods\\":2}",\n        "{\\"id\\":\\"B'));
    const edited = cli("replay", out);
    expect(edited.code).toBe(4);
    expect(edited.stdout).toContain("first difference: the opening state embedded in the bundle does not match its recorded fingerprint: it was edited");
  });
});

describe("compplan explain: the state a member's rank used", () => {
  it("kept in grace, grace used, from the requirements, held at the highest rank", () => {
    const e9 = join(dir, "e-2026-09");
    const e10 = join(dir, "e-2026-10");
    const e11 = join(dir, "e-2026-11");
    expect(run("2026-09", sep, e9).code).toBe(0);
    expect(run("2026-10", oct, e10, "--state", join(e9, "state.ndjson")).code).toBe(0);
    expect(run("2026-11", nov, e11, "--state", join(e10, "state.ndjson")).code).toBe(0);
    const first = cli("explain", e9, "A");
    expect(first.stdout).toContain("Paid-as rank: Silver\n  Silver from this period's requirements (no rank held before)\n");
    const kept = cli("explain", e10, "A");
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stdout).toContain("Paid-as rank: Silver\n  Silver kept in grace, period 1 of 1 (requirements give Bronze)\n");
    const json = JSON.parse(cli("explain", e10, "A", "--json").stdout);
    expect(json.rank.state).toEqual({
      computed: "Bronze",
      message: "Silver kept in grace, period 1 of 1 (requirements give Bronze)",
      opening: { grace: 0, highest: "Silver", paidAs: "Silver", periods: 1 },
      reason: "kept-in-grace",
    });
    expect(cli("explain", e10, "B").stdout).toContain("  Bronze from this period's requirements (highest rank held before: Bronze; last period Bronze)\n");
    expect(cli("explain", e11, "A").stdout).toContain("  Silver not kept: its period of grace is used (requirements give Bronze)\n");
    expect(cli("explain", e11, "B").stdout).toContain("  Bronze kept in grace, period 1 of 1 (requirements give no rank)\n");

    const hold = join(dir, "hold.yaml");
    writeFileSync(hold, PLAN.replace("paidAs: { grace: 1 }", "paidAs: { hold: highest }"));
    const h9 = join(dir, "h-2026-09");
    const h10 = join(dir, "h-2026-10");
    expect(cli("run", "--plan", hold, "--members", members, "--orders", sep, "--period", "2026-09", "--out", h9).code).toBe(0);
    expect(cli("run", "--plan", hold, "--members", members, "--orders", oct, "--period", "2026-10", "--out", h10, "--state", join(h9, "state.ndjson")).code).toBe(0);
    expect(cli("explain", h10, "A").stdout).toContain("Paid-as rank: Silver\n  held at Silver, the highest rank held (requirements give Bronze)\n");
  });
});
