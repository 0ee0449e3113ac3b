// State between periods from the command line (docs/state.md "Running with state", docs/audit.md): run with
// --state, the closing state in the run folder, the bundle's state fields, replay and explain of state.
// Expected values are worked by hand from docs/state.md (grace and hold rules).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-state-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Bronze at 100 PV, Silver at 200; Silver kept in grace one period; a rank bonus pays Silver 50. */
const PLAN = `compplan: 1
id: state-cli
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [personal-consumption] }
ranks:
  - name: Bronze
    requires: { personal: { measure: PV, minimum: "100" } }
  - name: Silver
    requires: { personal: { measure: PV, minimum: "200" } }
paidAs: { grace: 1 }
bonuses:
  - key: rankbonus
    kind: rank-bonus
    amounts: { Bronze: "10.00", Silver: "50.00" }
`;
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
