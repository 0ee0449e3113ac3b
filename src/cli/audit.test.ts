// The audit commands end to end, in-process: `compplan run` writes the bundle (and the CSV export),
// `compplan replay` verifies or names the first difference (exit 4), `compplan explain` explains.
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type RunBundle, bundleFingerprint, bundleJson, calculate, canonicalJson, createBundle, parsePlan } from "../index.js";
import { ndjson, referenceMemberLines, referenceOrderLines, sha256 } from "../../test/fixtures/canonical-input.js";
import { explain, indexOrders } from "../audit/explain.js";
import { formatExplanation } from "../audit/explain-text.js";
import { SCENARIO, STARTER_PLAN } from "../audit/golden/starter-scenario.js";
import { runCli } from "./cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-audit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), stderrIsTTY: false });
  return { code, stdout, stderr };
}

const members = join(dir, "members.json");
const orders = join(dir, "orders.json");
writeFileSync(members, JSON.stringify(SCENARIO.members));
writeFileSync(orders, JSON.stringify(SCENARIO.orders));
const run = (out: string, ...extra: string[]) => cli("run", "--plan", STARTER_PLAN, "--members", members, "--orders", orders, "--period", "2026-10", "--out", out, ...extra);
/** A copy of a run directory to tamper with. */
const copy = (from: string, name: string) => {
  const to = join(dir, name);
  cpSync(from, to, { recursive: true });
  return to;
};

describe("compplan run writes the bundle and, with --format csv, the CSV export", () => {
  const out = join(dir, "embedded");
  const r = run(out, "--embed-inputs", "--format", "csv");

  it("writes bundle.json with the inputs embedded, and statements.csv carrying the bundle fingerprint", () => {
    expect(r.code, r.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(join(out, "bundle.json"), "utf8")) as { fingerprint: string; inputs: { members: { rows: unknown[] } } };
    expect(bundle.inputs.members.rows).toHaveLength(11);
    expect(r.stdout).toContain(`bundle ${bundle.fingerprint}, inputs embedded`);
    const csv = readFileSync(join(out, "statements.csv"), "utf8").split("\r\n");
    // The run total, by hand (golden/starter-scenario.ts for the tree): A 112.44; U retail 10.00; BB retail
    // 300.00; B (Bronze) BB 1,680 × 5% + Q 160.9 × 5% compressed (8.045 → 8.04) = 92.04; C (Associate)
    // 4.00 + 4.00 + 3.20 = 11.20; C1 4.00 + 4.00 + 160 × 4% = 14.40; C2 4.00 + 8.00 = 12.00; C3 8.00;
    // R (Bronze) 4.00 + 10.00 + 70.40 + Q 160.9 × 4% (6.436 → 6.44) + 3.20 = 94.04. Total 654.12.
    expect(csv[1]).toBe(`run,${bundle.fingerprint},2026-10,USD,,,,,,,,,,,,654.12,`);
    expect(csv).toContain("total,,,,A,,,,,,,,,,,112.44,");
  });

  it("rejects an unknown format as wrong usage", () => {
    expect(run(join(dir, "never"), "--format", "xml").code).toBe(2);
  });

  it("replays an untouched run: exit 0 and what was verified", () => {
    const v = cli("replay", out);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/^replay: verified, no difference\n/);
    expect(v.stdout).toContain("statements: 11 recomputed, byte for byte identical to the recorded statements");
    expect(v.stdout).toContain("statements.csv: ");
  });

  it("an edited amount: exit 4 and the first difference named", () => {
    const t = copy(out, "edited-amount");
    const path = join(t, "statements.ndjson");
    writeFileSync(path, readFileSync(path, "utf8").replace('"amount":"8.04"', '"amount":"8.05"'));
    const v = cli("replay", t);
    expect(v.code).toBe(4);
    expect(v.stdout).toContain("first difference: member A, line 1 of the recorded statements: lines[2].amount is \"8.05\" but the replay computes \"8.04\"");
    expect(v.stdout).toContain("check statements, member A, line 1, line item 2, field lines[2].amount, recorded \"8.05\", recomputed \"8.04\"");
    const json = JSON.parse(cli("replay", t, "--json").stdout) as { ok: boolean; differences: { memberId: string }[] };
    expect(json.ok).toBe(false);
    expect(json.differences[0]?.memberId).toBe("A");
  });

  it("a removed line: exit 4, the member named", () => {
    const t = copy(out, "removed-line");
    const path = join(t, "statements.ndjson");
    writeFileSync(path, readFileSync(path, "utf8").split("\n").filter((l) => !l.includes('"memberId":"C2"')).join("\n"));
    const v = cli("replay", t);
    expect(v.code).toBe(4);
    expect(v.stdout).toContain("first difference: the statement of member C2 is missing from the recorded statements");
  });

  it("an edited plan rate in bundle.json: exit 4, the plan named", () => {
    const t = copy(out, "edited-plan");
    const path = join(t, "bundle.json");
    const text = readFileSync(path, "utf8");
    const edited = text.replace('"0.01"', '"0.02"'); // Platinum's level-7 rate, the only 1% in the plan
    expect(edited).not.toBe(text);
    writeFileSync(path, edited);
    const v = cli("replay", t);
    expect(v.code).toBe(4);
    expect(v.stdout).toContain("first difference: the plan in the bundle does not match its recorded fingerprint: it was edited");
  });

  it("a changed order given with --orders: exit 4, the order and field named", () => {
    const changed = join(dir, "orders-changed.json");
    writeFileSync(changed, JSON.stringify(SCENARIO.orders.map((o) => (o.id === "o-c2" ? { ...o, volumes: { ...o.volumes, CV: "90" } } : o))));
    const v = cli("replay", out, "--members", members, "--orders", changed);
    expect(v.code).toBe(4);
    expect(v.stdout).toContain("first difference: the orders given are not the run's orders: their fingerprint differs");
    expect(v.stdout).toContain("order o-c2: volumes.CV was \"80\" in the run but is \"90\" in the orders given");
  });

  it("swapped input files: exit 1 with the issues", () => {
    const v = cli("replay", out, "--members", orders, "--orders", members);
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("INPUT_UNKNOWN_COLUMN");
  });

  it("explains a member as text (the API's explanation) and as JSON", () => {
    const e = cli("explain", out, "A");
    expect(e.code, e.stderr).toBe(0);
    const r = calculate(parsePlan(readFileSync(STARTER_PLAN, "utf8")), SCENARIO);
    const expected = explain(r, "A", { orders: indexOrders(r, SCENARIO) });
    expect(e.stdout).toBe(formatExplanation(expected));
    const j = cli("explain", out, "A", "--json", "--bonus", "unilevel");
    expect(JSON.parse(j.stdout)).toEqual(JSON.parse(canonicalJson(explain(r, "A", { orders: indexOrders(r, SCENARIO), bonus: "unilevel" }))));
    const t = cli("explain", out, "A", "--timings");
    expect(t.stderr).toMatch(/explain \d+\.\d ms/);
  });

  it("explain: unknown member or bonus exit 1; wrong usage exits 2", () => {
    expect(cli("explain", out, "NOBODY").stderr).toContain("AUDIT_UNKNOWN_MEMBER");
    expect(cli("explain", out, "A", "--bonus", "nope").code).toBe(1);
    expect(cli("explain", out).code).toBe(2);
    expect(cli("replay").code).toBe(2);
  });
});

describe("replay and explain of a run without embedded inputs", () => {
  const out = join(dir, "plain");
  const r = run(out);

  it("read the input files the bundle records, or those given with --members and --orders", () => {
    expect(r.code, r.stderr).toBe(0);
    const v = cli("replay", out);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    expect(v.stdout).toContain(`inputs: members from ${join(out, "..", "members.json")}, orders from ${join(out, "..", "orders.json")} (the files the bundle records)`);
    expect(cli("replay", out, "--members", members, "--orders", orders).code).toBe(0);
  });

  it("explain refuses inputs that are not the run's", () => {
    const changed = join(dir, "orders-changed-2.json");
    writeFileSync(changed, JSON.stringify(SCENARIO.orders.slice(1)));
    const e = cli("explain", out, "A", "--members", members, "--orders", changed);
    expect(e.code).toBe(1);
    expect(e.stderr).toContain("AUDIT_INPUT_MISMATCH at inputs.orders");
  });

  it("a recorded input file moved away or changed since the run: a coded issue naming the file needed", () => {
    const data = join(dir, "recorded-data");
    const folder = join(data, "out");
    mkdirSync(data, { recursive: true });
    cpSync(members, join(data, "m.json"));
    cpSync(orders, join(data, "o.json"));
    const made = cli("run", "--plan", STARTER_PLAN, "--members", join(data, "m.json"), "--orders", join(data, "o.json"), "--period", "2026-10", "--out", folder);
    expect(made.code, made.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(join(folder, "bundle.json"), "utf8")) as RunBundle;
    expect([bundle.inputs.members.file, bundle.inputs.orders.file]).toEqual(["../m.json", "../o.json"]);
    expect(cli("explain", folder, "A").code).toBe(0);
    renameSync(join(data, "o.json"), join(data, "o-moved.json"));
    for (const command of [["replay", folder], ["explain", folder, "A"]]) {
      const v = cli(...command);
      expect(v.code).toBe(1);
      expect(v.stderr).toContain(`AUDIT_INPUT_MISSING at inputs.orders.file: the bundle records the run's orders file as ../o.json, relative to the run folder; there is no ${join(folder, "..", "o.json")} (was the folder or the file moved?): give the run's orders with --orders FILE (fingerprint ${bundle.inputs.orders.fingerprint})`);
    }
    expect(cli("replay", folder, "--orders", join(data, "o-moved.json")).code).toBe(0);
    writeFileSync(join(data, "o.json"), JSON.stringify(SCENARIO.orders.slice(1)));
    for (const command of [["replay", folder], ["explain", folder, "A"]]) {
      const v = cli(...command);
      expect(v.code).toBe(1);
      expect(v.stderr).toContain(`AUDIT_INPUT_MISMATCH at inputs.orders.file: ${join(folder, "..", "o.json")}, the orders file the bundle records, has changed since the run`);
      expect(v.stderr).toContain("give the run's orders with --orders FILE");
    }
  });

  it("a directory without a bundle is a coded issue", () => {
    const v = cli("replay", join(dir, "nowhere"));
    expect(v.code).toBe(1);
    expect(v.stderr).toContain("AUDIT_BUNDLE_INVALID");
  });
});

describe("compplan run's bundle.json is the API's, and its input fingerprints are the canonical form's", () => {
  // The scenario with ids that need JSON escaping or are not ASCII, rows in reverse order, zero volumes written out.
  const names: Record<string, string> = { R: 'R"oot', A: "A\\1", B: "Bé", U: "U😀", C: "中C", "o-a": 'o"a', "o-u2": "o-ü2" };
  const rename = (id: string) => names[id] ?? id;
  const input = {
    period: "2026-10",
    members: SCENARIO.members.map((m) => ({ ...m, id: rename(m.id), sponsorId: m.sponsorId == null ? null : rename(m.sponsorId) })).reverse(),
    orders: SCENARIO.orders
      .map((o) => ({ ...o, id: rename(o.id), memberId: rename(o.memberId), volumes: Object.fromEntries(Object.entries(o.volumes).map(([k, v]) => [k, v === "0" ? "0.000" : v])) }))
      .reverse(),
  };
  const membersFile = join(dir, "odd-members.json");
  const ordersFile = join(dir, "odd-orders.json");
  writeFileSync(membersFile, JSON.stringify(input.members));
  writeFileSync(ordersFile, JSON.stringify(input.orders));
  const result = calculate(parsePlan(readFileSync(STARTER_PLAN, "utf8")), input);

  it("byte for byte, with and without embedded inputs", () => {
    for (const embedInputs of [false, true]) {
      const out = join(dir, `odd-${embedInputs}`);
      const r = cli("run", "--plan", STARTER_PLAN, "--members", membersFile, "--orders", ordersFile, "--period", "2026-10", "--out", out, ...(embedInputs ? ["--embed-inputs"] : []));
      expect(r.code, r.stderr).toBe(0);
      // The CLI adds (format 2) where the input files were and the folder's other files, hashed here.
      const made = createBundle(result, input, { embedInputs });
      // The CLI also names the files it wrote (`outputs`), which the bundle's fingerprint covers.
      const withOutputs = { ...made, outputs: ["statements.ndjson", "summary.json"] };
      const api: RunBundle = { ...withOutputs, fingerprint: bundleFingerprint(withOutputs) };
      const listed = (name: string) => ({ bytes: readFileSync(join(out, name)).length, fingerprint: sha256(readFileSync(join(out, name), "utf8")) });
      const expected: RunBundle = {
        ...api,
        inputs: { members: { ...api.inputs.members, file: "../odd-members.json" }, orders: { ...api.inputs.orders, file: "../odd-orders.json" } },
        files: { "statements.ndjson": listed("statements.ndjson"), "summary.json": listed("summary.json") },
      };
      expect(readFileSync(join(out, "bundle.json"), "utf8")).toBe(bundleJson(expected));
    }
  });

  it("the fingerprints are SHA-256 of the canonical rows computed the slow way", () => {
    const bundle = JSON.parse(readFileSync(join(dir, "odd-true", "bundle.json"), "utf8")) as RunBundle;
    const expectedMembers = referenceMemberLines(input.members.map((m) => ({ id: m.id, joinDate: m.joinDate, sponsorId: m.sponsorId, status: 0 })));
    const units = (v: string | number) => Math.round(Number(v) * 10_000);
    const kinds = ["personal-consumption", "retail-sale", "customer-order"];
    const expectedOrders = referenceOrderLines(
      input.orders.map((o) => ({ id: o.id, memberId: o.memberId, kind: kinds.indexOf(o.kind), date: o.date, volumes: Object.fromEntries(Object.entries(o.volumes).map(([k, v]) => [k, units(v)])) })),
    );
    expect(bundle.inputs.members.fingerprint).toBe(sha256(ndjson(expectedMembers)));
    expect(bundle.inputs.orders.fingerprint).toBe(sha256(ndjson(expectedOrders)));
    expect(bundle.inputs.members.rows?.map((row) => canonicalJson(row))).toEqual(expectedMembers);
    expect(bundle.inputs.orders.rows?.map((row) => canonicalJson(row))).toEqual(expectedOrders);
  });
});

describe("compplan replay checks the folder's files against the bundle's list (issue 12)", () => {
  const out = join(dir, "listed");
  const r = run(out, "--embed-inputs", "--format", "csv");

  it("the bundle lists every file of the folder but itself, with size and SHA-256; replay verifies them", () => {
    expect(r.code, r.stderr).toBe(0);
    const bundle = JSON.parse(readFileSync(join(out, "bundle.json"), "utf8")) as RunBundle;
    expect(bundle.format).toBe("compplan-bundle/2");
    for (const name of ["statements.ndjson", "summary.json", "statements.csv"]) {
      const bytes = readFileSync(join(out, name));
      expect(bundle.files?.[name]).toEqual({ bytes: bytes.length, fingerprint: `sha256:${createHash("sha256").update(bytes).digest("hex")}` });
    }
    expect(Object.keys(bundle.files ?? {})).toHaveLength(3);
    const v = cli("replay", out);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain("files: statements.csv, statements.ndjson, summary.json present, unchanged, and nothing else");
  });

  it("a missing summary or statements file is a difference, never 'verified'", () => {
    for (const name of ["summary.json", "statements.ndjson"]) {
      const t = copy(out, `without-${name}`);
      rmSync(join(t, name));
      const v = cli("replay", t);
      expect(v.code).toBe(4);
      expect(v.stdout).not.toContain("verified, no difference");
      expect(v.stdout).toContain(`${name} is missing from the run folder (the bundle lists it): not verified`);
    }
  });

  it("emptying the bundle's file list does not hide removed files: the fingerprinted outputs name them", () => {
    const t = copy(out, "files-emptied");
    for (const name of ["statements.ndjson", "summary.json", "statements.csv"]) rmSync(join(t, name));
    const bundle = JSON.parse(readFileSync(join(t, "bundle.json"), "utf8")) as RunBundle;
    expect(bundle.outputs).toEqual(["statements.csv", "statements.ndjson", "summary.json"]);
    writeFileSync(join(t, "bundle.json"), bundleJson({ ...bundle, files: {} }));
    const v = cli("replay", t);
    expect(v.code).toBe(4);
    expect(v.stdout).not.toContain("verified, no difference");
    for (const name of ["statements.csv", "statements.ndjson", "summary.json"]) expect(v.stdout).toContain(`${name} is missing from the run folder`);
    // Dropping a name from the outputs too changes what the bundle's fingerprint covers.
    writeFileSync(join(t, "bundle.json"), bundleJson({ ...bundle, files: {}, outputs: [] }));
    const w = cli("replay", t, "--json");
    expect(w.code).toBe(4);
    expect((JSON.parse(w.stdout) as { differences: { check: string }[] }).differences.map((d) => d.check)).toContain("bundle");
  });

  it("a value nested 100,000 deep in bundle.json is a coded issue for replay and explain, not a crash", () => {
    const t = copy(out, "deep-value");
    const text = readFileSync(join(t, "bundle.json"), "utf8");
    const deep = `${"[".repeat(100_000)}${"]".repeat(100_000)}`;
    writeFileSync(join(t, "bundle.json"), text.replace(/"total": "[^"]*"/, `"total": ${deep}`));
    for (const args of [["replay", t], ["explain", t, "A"]]) {
      const v = cli(...args);
      expect(v.code, v.stderr).toBe(1);
      expect(v.stderr).toContain("AUDIT_BUNDLE_INVALID at summary.value");
      expect(v.stderr).toContain("more than 64 levels deep");
    }
  });

  it("an extra file and a file changed in bytes only (an id quoted without need) are differences", () => {
    const t = copy(out, "extra-and-changed");
    writeFileSync(join(t, "notes.txt"), "paid on 2026-11-05");
    const path = join(t, "statements.csv");
    const text = readFileSync(path, "utf8");
    expect(text).toContain("\r\ntotal,,,,A,");
    writeFileSync(path, text.replace("\r\ntotal,,,,A,", '\r\ntotal,,,,"A",'));
    const v = cli("replay", t, "--json");
    expect(v.code).toBe(4);
    const report = JSON.parse(v.stdout) as { differences: { check: string; field: string; message: string }[] };
    // Field by field the CSV still says the same; its bytes are not those the run wrote.
    expect(report.differences.map((d) => [d.check, d.field])).toEqual([
      ["files", "statements.csv"],
      ["files", "notes.txt"],
    ]);
    expect(report.differences[0]?.message).toMatch(/^statements\.csv has changed since the run: /);
    expect(report.differences[1]?.message).toBe("notes.txt is in the run folder but the bundle does not list it: the run did not write it");
  });

  it("a format 1 bundle (no file list) still replays; statements and summary must be there", () => {
    const t = join(dir, "format-1");
    expect(run(t, "--embed-inputs").code).toBe(0);
    const v2 = JSON.parse(readFileSync(join(t, "bundle.json"), "utf8")) as RunBundle;
    const { files: _, outputs: ___, ...rest } = v2;
    const strip = <P extends { file?: string }>({ file: __, ...p }: P) => p;
    const head = { ...rest, format: "compplan-bundle/1", inputs: { members: strip(rest.inputs.members), orders: strip(rest.inputs.orders) } };
    writeFileSync(join(t, "bundle.json"), bundleJson({ ...head, fingerprint: bundleFingerprint(head) }));
    const v = cli("replay", t);
    expect(v.code, v.stdout).toBe(0);
    expect(v.stdout).toContain("note: the bundle (compplan-bundle/1) lists no files: checked only that statements.ndjson and summary.json are present");
    rmSync(join(t, "summary.json"));
    const gone = cli("replay", t);
    expect(gone.code).toBe(4);
    expect(gone.stdout).toContain("summary.json is missing from the run folder: not verified");
  });
});
