// The compplan command, run in-process with captured output: exit codes, what goes to stdout and stderr,
// the files `run` writes, and runs on generated data including a one-million-deep chain.
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";
import { closest } from "../src/cli/suggest.js";
import { startSteps } from "../scripts/start-steps.js";
import { cli } from "./fixtures/cli.js";
import { type Summary, canonicalJson, parsePlan } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** `npm run test:quick` leaves out the tests on 100,000 members and more; `npm test` and CI run them all. */
const QUICK = process.env.COMPPLAN_QUICK === "1";
const STARTER = "plans/starter-unilevel/plan.yaml";

describe("compplan validate", () => {
  it("accepts every plan under plans/", () => {
    const plans = readdirSync("plans").flatMap((d) => readdirSync(join("plans", d)).filter((f) => /^plan.*\.yaml$/.test(f)).map((f) => `plans/${d}/${f}`));
    expect(plans).toContain(STARTER);
    expect(plans.length).toBeGreaterThanOrEqual(readdirSync("plans").length);
    for (const plan of plans) {
      const r = cli("validate", plan);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/valid plan/);
    }
  });

  it("lists each issue with code, path and file, and exits 1", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, readFileSync(STARTER, "utf8").replace('rate: "1"', "rate: 1").replace("compression: dynamic", "compression: sometimes"));
    const r = cli("validate", bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`PLAN_DECIMAL_FORMAT at bonuses[2].rate (${bad}:84:11)`);
    expect(r.stderr).toContain("PLAN_INVALID_VALUE at bonuses[0].compression");
    expect(r.stderr).toMatch(/2 issues; nothing was computed/);
  });

  it("wrong usage exits 2; a missing file is a coded issue", () => {
    expect(cli("validate").code).toBe(2);
    expect(cli("frobnicate").stderr).toMatch(/unknown command/);
    const missing = cli("validate", join(dir, "nope.yaml"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read plan file .*ENOENT/);
  });
});

describe("compplan schema", () => {
  it("prints a JSON Schema that names every bonus family", () => {
    const r = cli("schema");
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.$schema).toBe("https://json-schema.org/draft/2020-12/schema");
    const text = JSON.stringify(schema);
    for (const kind of ["unilevel", "rank-bonus", "retail-profit"]) expect(text).toContain(`"const":"${kind}"`);
    expect(schema.required).toEqual(expect.arrayContaining(["compplan", "id", "currency", "payoutBasis", "measures", "bonuses"]));
  });
});

describe("compplan generate", () => {
  it("replaces what an earlier generate wrote, but not a members file it did not write (or one changed since) without --force", () => {
    const folder = join(dir, "generate-guard");
    expect(cli("generate", "--members", "20", "--out", folder).code).toBe(0);
    // Again into the same folder: its own files are replaced.
    expect(cli("generate", "--members", "30", "--seed", "2", "--out", folder).code).toBe(0);
    // A back office's members file in the folder (or a generated one edited) is refused, exit 2, untouched.
    const real = "id,sponsorId,joinDate,status\nREAL-1,,2020-01-01,enrolled\n";
    writeFileSync(join(folder, "members.csv"), real);
    const refused = cli("generate", "--members", "20", "--out", folder);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("members.csv was not written by compplan generate, or changed since: give --force to replace it");
    expect(readFileSync(join(folder, "members.csv"), "utf8")).toBe(real);
    const forced = cli("generate", "--members", "20", "--out", folder, "--force");
    expect(forced.code).toBe(0);
    expect(readFileSync(join(folder, "members.csv"), "utf8")).not.toBe(real);
  });
});

describe("compplan run", () => {
  const data = join(dir, "example");
  const out = join(dir, "out");

  it("generates seeded example data, runs the starter plan, writes statements and summary", () => {
    const g = cli("generate", "--members", "10000", "--seed", "42", "--out", data);
    expect(g.code, g.stderr).toBe(0);
    const r = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(""); // not a terminal: no progress
    const summary = JSON.parse(readFileSync(join(out, "summary.json"), "utf8")) as Summary;
    expect(summary.members).toBe(10_000);
    const lines = readFileSync(join(out, "statements.ndjson"), "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(10_000);
    // The printed summary carries the headline numbers of summary.json.
    expect(r.stdout).toContain("members 10,000");
    expect(r.stdout).toMatch(new RegExp(`total\\s+${summary.total.replace(/\B(?=(\d{3})+(?!\d))/g, ",").replace(".", "\\.")}`));
    // Statement totals add up to the summary total, to the cent.
    const cents = lines.reduce((a, l) => a + BigInt((JSON.parse(l) as { total: string }).total.replace(".", "")), 0n);
    expect(cents).toBe(BigInt(summary.total.replace(".", "")));
    // Canonical: each line is the canonical form of itself.
    expect(canonicalJson(JSON.parse(lines[0] as string))).toBe(lines[0]);
    // The generated data exercises the plan: several ranks, compression, all three bonuses.
    expect(summary.ranks.filter((x) => x.members > 0).length).toBeGreaterThanOrEqual(3);
    expect(summary.bonuses.map((b) => b.lines > 0)).toEqual([true, true, true]);
    expect(summary.bonuses[0]?.accounting?.compressedUp).not.toMatch(/^0\.0+$/);
  });

  it("gives byte-identical output for the same data with rows in another order", () => {
    const shuffled = join(dir, "shuffled");
    for (const f of ["members.csv", "orders.csv"]) {
      const [header, ...rows] = readFileSync(join(data, f), "utf8").trimEnd().split("\n");
      rows.reverse();
      writeFileSync(join(dir, `rev-${f}`), `${header}\n${rows.join("\n")}\n`);
    }
    const r = cli("run", "--plan", STARTER, "--members", join(dir, "rev-members.csv"), "--orders", join(dir, "rev-orders.csv"), "--period", "2026-10", "--out", shuffled);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ["statements.ndjson", "summary.json"]) expect(readFileSync(join(shuffled, f), "utf8")).toBe(readFileSync(join(out, f), "utf8"));
    // bundle.json too, but for where the input files were (../rev-members.csv, ../example/members.csv).
    const bundle = (d: string) => readFileSync(join(d, "bundle.json"), "utf8").replace(/\n\s*"file": "[^"]*",/g, "");
    expect(bundle(shuffled)).toBe(bundle(out));
    expect(readFileSync(join(shuffled, "bundle.json"), "utf8")).toContain('"file": "../rev-members.csv"');
  });

  it("reports bad input with file and line, computes nothing, exits 1", () => {
    const members = readFileSync(join(data, "members.csv"), "utf8").replace(/\nM0000005,M\d+,/, "\nM0000005,NOBODY,");
    writeFileSync(join(dir, "bad-members.csv"), members);
    const r = cli("run", "--plan", STARTER, "--members", join(dir, "bad-members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(dir, "never"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`MEMBER_UNKNOWN_SPONSOR at members[5].sponsorId (${join(dir, "bad-members.csv")}:7)`);
    expect(r.stdout).toBe("");
    expect(() => readFileSync(join(dir, "never", "summary.json"))).toThrow();
  });

  it("an output that cannot be written is named with the system's reason, exit 5, no stack", () => {
    const blocker = join(dir, "a-file");
    writeFileSync(blocker, "not a directory");
    const r = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(blocker, "out"));
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/^compplan: .*ENOTDIR.*a-file/);
    expect(r.stderr).toContain("the output is incomplete");
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe("");
  });

  // Left out of the quick development loop only (`npm run test:quick`); `npm test` and CI always run it.
  it.skipIf(QUICK)("runs a one-million-deep chain end to end without a stack overflow", () => {
    const chain = join(dir, "chain");
    expect(cli("generate", "--members", "1000000", "--shape", "chain", "--seed", "3", "--out", chain).code).toBe(0);
    const r = cli("run", "--plan", STARTER, "--members", join(chain, "members.csv"), "--orders", join(chain, "orders.csv"), "--period", "2026-10", "--out", join(chain, "out"));
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(readFileSync(join(chain, "out", "summary.json"), "utf8")) as Summary;
    expect(summary.members).toBe(1_000_000);
    // In a chain every level below a member is one member: the unilevel reached all 7 levels somewhere.
    expect(Number(summary.bonuses[0]?.lines)).toBeGreaterThan(100_000);
    expect(parsePlan(readFileSync(STARTER, "utf8")).id).toBe(summary.plan.id);
    rmSync(chain, { recursive: true, force: true }); // about 1.5 GB of statements: do not keep it
  });
});

describe("compplan --version", () => {
  const version = (JSON.parse(readFileSync("package.json", "utf8")) as { version: string }).version;

  it("prints package.json's version for --version, -V and version, exit 0", () => {
    for (const flag of ["--version", "-V", "version"]) {
      const r = cli(flag);
      expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: "" });
    }
    expect(cli("--version", "x").code).toBe(2);
  });

  it("prints it from the built bundle dist/cli.js and from source under tsx", () => {
    // npm test builds before running vitest; alone, run `npm run build` first.
    expect(existsSync("dist/cli.js"), "dist/cli.js is missing: run npm run build first").toBe(true);
    for (const [cmd, args] of [
      [process.execPath, ["dist/cli.js", "--version"]],
      ["node_modules/.bin/tsx", ["src/cli/main.ts", "--version"]],
    ] as const) {
      const r = spawnSync(cmd, args, { encoding: "utf8" });
      expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: `${version}\n`, stderr: "" });
    }
  });
});

describe("compplan help for one command", () => {
  const commands = ["run", "validate", "schema", "generate", "place", "replay", "explain", "report", "diff", "sweep"];

  it("COMMAND --help, COMMAND -h and help COMMAND print that command's usage on stdout, exit 0", () => {
    for (const c of commands) {
      const forms = [cli(c, "--help"), cli(c, "-h"), cli("help", c), cli(c, "--plan", "x", "--help")];
      for (const r of forms) {
        expect(r.code, `${c}: ${r.stderr}`).toBe(0);
        expect(r.stderr).toBe("");
        expect(r.stdout).toMatch(new RegExp(`^Usage:\\n  compplan ${c}[ \\n]`));
        expect(r.stdout).toContain("Exit codes:");
        // Only this command's usage: no other command's synopsis.
        for (const other of commands.filter((o) => o !== c)) expect(r.stdout).not.toMatch(new RegExp(`\\n  compplan ${other}[ \\n]`));
      }
      expect(forms[1]?.stdout).toBe(forms[0]?.stdout);
    }
    expect(cli("run", "--help").stdout).toContain("--format ndjson|csv");
    expect(cli("help", "sweep").stdout).toContain("--from A --to B --step S");
  });

  it("help without a command prints every command; help of an unknown command is wrong usage", () => {
    const all = cli("help");
    expect(all.code).toBe(0);
    for (const c of commands) expect(all.stdout).toMatch(new RegExp(`\\n  compplan ${c}[ \\n]`));
    const bad = cli("help", "explian");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('compplan: unknown command "explian" (did you mean explain?)\nRun "compplan help" for the list of commands.\n');
  });
});

describe("compplan wrong usage: one line and where to get help", () => {
  it("names the problem and the command's --help in two lines, not the whole usage, exit 2", () => {
    const cases: [string[], string, string][] = [
      [["run", "--plan", STARTER], "run", "--period is required"],
      [["run", "--plan"], "run", "--plan needs a value"],
      [["run", "--plan", "a", "--plan", "b"], "run", "--plan is given twice"],
      [["run", "--timings=no"], "run", "--timings takes no value"],
      [["validate"], "validate", "validate takes one plan file"],
      [["schema", "x"], "schema", "schema takes no arguments"],
      [["generate", "--members", "0", "--out", "x"], "generate", "--members is a whole number from 1 to 50,000,000"],
      [["replay"], "replay", "replay takes one directory (written by compplan run)"],
      [["explain", "dir"], "explain", "explain takes a directory (written by compplan run) and a member id"],
      [["report", "dir"], "report", "report takes a directory (written by compplan run) and a bonus key"],
      [["report", "dir", "k", "--format", "xml"], "report", "--format takes csv (the rows as CSV); leave it out for text, or give --json"],
      [["diff", "--bogus"], "diff", "unknown option --bogus"],
      [["sweep", "--plan", STARTER], "sweep", "--path is required"],
    ];
    for (const [args, command, message] of cases) {
      const r = cli(...args);
      expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }, args.join(" ")).toEqual({
        code: 2,
        stdout: "",
        stderr: `compplan ${command}: ${message}\nRun "compplan ${command} --help" for its usage.\n`,
      });
    }
  });

  it("an unknown command points at compplan help", () => {
    const r = cli("frobnicate");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('compplan: unknown command "frobnicate"\nRun "compplan help" for the list of commands.\n');
  });

  it("arguments after -- are positional, even when they start with dashes", () => {
    const r = cli("validate", "--", join(dir, "--odd.yaml"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read plan file .*--odd\.yaml/);
  });
});

describe("did you mean", () => {
  it("suggests the flag or command closest to a typo, and nothing for what is not close", () => {
    const hints: [string[], string][] = [
      [["run", "--memebrs", "m.csv"], "unknown option --memebrs (did you mean --members?)"],
      [["run", "--period=2026-10", "--perod", "x"], "unknown option --perod (did you mean --period?)"],
      [["run", "--embed-input"], "unknown option --embed-input (did you mean --embed-inputs?)"],
      [["explain", "dir", "A", "--bonsu", "unilevel"], "unknown option --bonsu (did you mean --bonus?)"],
      [["replay", "dir", "--jsno"], "unknown option --jsno (did you mean --json?)"],
      [["sweep", "--vlaues", "1"], "unknown option --vlaues (did you mean --values?)"],
      [["rnu"], 'unknown command "rnu" (did you mean run?)'],
      [["valdiate"], 'unknown command "valdiate" (did you mean validate?)'],
      [["--verison"], 'unknown command "--verison" (did you mean --version?)'],
      [["run", "--bogus"], "unknown option --bogus\n"],
      [["xyz"], 'unknown command "xyz"\n'],
    ];
    for (const [args, text] of hints) {
      const r = cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(text);
    }
  });

  it("suggests a command or flag only when it is close (edit distance: src/errors/suggest.test.ts)", () => {
    expect(closest("ot", ["out", "orders"])).toBe("out");
    expect(closest("plan", ["members", "orders"])).toBeUndefined();
  });
});

describe("compplan --json: every issue as one JSON document on stderr", () => {
  const parse = (r: { stderr: string }) => JSON.parse(r.stderr) as { issues: { code: string; path: (string | number)[]; message: string; file?: string; line?: number }[] };
  const many = join(dir, "many-members.csv");
  const noOrders = join(dir, "no-orders.json");
  writeFileSync(many, `id,sponsorId,joinDate\nR,,2026-01-01\n${Array.from({ length: 250 }, (_, i) => `M${i},NOBODY,2026-01-01\n`).join("")}`);
  writeFileSync(noOrders, "[]");
  const runArgs = ["run", "--plan", STARTER, "--members", many, "--orders", noOrders, "--period", "2026-10", "--out", join(dir, "never")];

  it("run: text lists 200 issues and ends with how many more; --json lists all 250", () => {
    const text = cli(...runArgs);
    expect(text.code).toBe(1);
    const lines = text.stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(202);
    expect(lines[200]).toBe("  … and 50 more (--json lists them all)");
    expect(lines[201]).toBe("compplan: 250 issues; nothing was computed.");
    const json = cli(...runArgs, "--json");
    expect(json.code).toBe(1);
    expect(json.stdout).toBe("");
    const { issues } = parse(json);
    expect(issues).toHaveLength(250);
    expect(issues[249]).toEqual({ code: "MEMBER_UNKNOWN_SPONSOR", path: ["members", 250, "sponsorId"], message: 'sponsor "NOBODY" of member "M249" is not a member', value: "NOBODY", file: many, line: 252 });
    // One issue a line, code first: greppable.
    expect(json.stderr.split("\n")[1]).toMatch(/^ {2}\{"code":"MEMBER_UNKNOWN_SPONSOR","path":\["members",1,"sponsorId"\],"message":/);
  });

  it("validate, replay, explain, report, diff and sweep take --json too", () => {
    const bad = join(dir, "bad-json.yaml");
    writeFileSync(bad, readFileSync(STARTER, "utf8").replace('rate: "1"', "rate: 1"));
    const v = cli("validate", bad, "--json");
    expect(v.code).toBe(1);
    expect(parse(v).issues.map((i) => [i.code, i.file])).toEqual([["PLAN_DECIMAL_FORMAT", bad]]);
    for (const args of [
      ["replay", join(dir, "nowhere"), "--json"],
      ["explain", join(dir, "nowhere"), "A", "--json"],
      ["report", join(dir, "nowhere"), "cap", "--json"],
    ]) {
      const r = cli(...args);
      expect(r.code).toBe(1);
      expect(parse(r).issues.map((i) => i.code)).toEqual(["AUDIT_BUNDLE_INVALID"]);
    }
    const inputs = ["--members", many, "--orders", noOrders, "--period", "2026-13"];
    for (const args of [
      ["diff", "--base", STARTER, "--plan", STARTER, ...inputs, "--out", join(dir, "never"), "--json"],
      ["sweep", "--plan", STARTER, "--path", "bonuses[key=retail].rate", "--values", "0.1", ...inputs, "--json"],
    ]) {
      const r = cli(...args);
      expect(r.code, r.stderr).toBe(1);
      expect(parse(r).issues.map((i) => i.code)).toEqual(["PERIOD_INVALID"]);
    }
  });
});

describe("compplan run: the run folder is replaced whole, only once complete (issue 12)", () => {
  const data = join(dir, "folder-data");
  const members = join(data, "members.csv");
  const orders = join(data, "orders.csv");
  const big = join(dir, "folder-data-big");
  const run = (out: string, ...extra: string[]) => cli("run", "--plan", STARTER, "--members", members, "--orders", orders, "--period", "2026-10", "--out", out, ...extra);
  /** Every file of a folder, name → size and SHA-256 of its bytes. */
  const snapshot = (d: string) => Object.fromEntries(readdirSync(d).sort().map((f) => [f, `${statSync(join(d, f)).size} ${createHash("sha256").update(readFileSync(join(d, f))).digest("hex")}`]));
  const leftovers = (out: string) => readdirSync(dirname(out)).filter((f) => f.startsWith(`.${basename(out)}.compplan-`));

  it("generates the data (and 100,000 members: writing their statements takes long enough to be stopped)", () => {
    expect(cli("generate", "--members", "2000", "--seed", "7", "--out", data).code).toBe(0);
    if (!QUICK) expect(cli("generate", "--members", "100000", "--seed", "7", "--out", big).code).toBe(0);
  });

  it("a stale statements.csv of an earlier run does not survive a run without --format csv", () => {
    const out = join(dir, "stale-csv");
    expect(run(out, "--format", "csv").code).toBe(0);
    expect(existsSync(join(out, "statements.csv"))).toBe(true);
    const r = run(out);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["bundle.json", "statements.ndjson", "summary.json"]);
    expect(leftovers(out)).toEqual([]);
  });

  it("--out may not contain an input file: exit 2, the input untouched, nothing written", () => {
    const out = join(dir, "holds-input");
    mkdirSync(out, { recursive: true });
    // An orders file named like an output: a run with --format csv would have overwritten it.
    const inside = join(out, "statements.csv");
    cpSync(orders, inside);
    const before = readFileSync(inside);
    const r = cli("run", "--plan", STARTER, "--members", members, "--orders", inside, "--period", "2026-10", "--out", out, "--format", "csv");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out} contains the input file ${inside}`);
    expect(readFileSync(inside).equals(before)).toBe(true);
    expect(readdirSync(out)).toEqual(["statements.csv"]);
    // The plan counts as an input too, and so does a folder above the input (the data folder itself).
    expect(cli("run", "--plan", STARTER, "--members", members, "--orders", orders, "--period", "2026-10", "--out", "plans").code).toBe(2);
    expect(run(data).code).toBe(2);
    // What generate wrote there, untouched: its two files and the record of their fingerprints.
    expect(readdirSync(data).sort()).toEqual([".compplan-generated.json", "members.csv", "orders.csv"]);
  });

  it("a folder holding files compplan did not write is refused without --force, replaced with it", () => {
    const out = join(dir, "foreign");
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, "notes.txt"), "mine");
    const r = run(out);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("holds files compplan did not write (notes.txt)");
    expect(readdirSync(out)).toEqual(["notes.txt"]);
    const forced = run(out, "--force");
    expect(forced.code, forced.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["bundle.json", "statements.ndjson", "summary.json"]);
  });

  it.skipIf(QUICK)("a run killed while writing statements leaves the earlier run byte for byte; the next run cleans up", async () => {
    const out = join(dir, "killed");
    const args = ["run", "--plan", STARTER, "--members", join(big, "members.csv"), "--orders", join(big, "orders.csv"), "--period", "2026-10", "--out", out];
    expect(cli(...args).code).toBe(0);
    const before = snapshot(out);
    const size = statSync(join(out, "statements.ndjson")).size;
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], { stdio: "ignore" });
    const tmp = join(dir, `.killed.compplan-tmp-${child.pid}`, "statements.ndjson");
    const exited = new Promise<string | null>((done) => child.on("exit", (_code, signal) => done(signal)));
    // Stop it once it has written statements: into its temporary folder, or (before issue 12) into out.
    let writing = false;
    for (let waited = 0; waited < 120_000 && child.exitCode === null && !writing; waited += 10) {
      await new Promise((r) => setTimeout(r, 10));
      writing = (existsSync(tmp) && statSync(tmp).size > 0) || statSync(join(out, "statements.ndjson")).size !== size;
    }
    expect(writing).toBe(true);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(out)).toEqual([basename(dirname(tmp))]);
    // The next run removes what the killed one left, and says so.
    const r = cli(...args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(`removed ${dirname(tmp)}, left by a run that was stopped before it finished`);
    expect(leftovers(out)).toEqual([]);
  }, 180_000);

  it.skipIf(QUICK)("shows progress with counts while writing statements and the CSV, on a terminal only", () => {
    let stderr = "";
    const args = ["run", "--plan", STARTER, "--members", join(big, "members.csv"), "--orders", join(big, "orders.csv"), "--period", "2026-10", "--out", join(dir, "progress"), "--format", "csv"];
    // Progress from the start (not after the usual second), so the test does not depend on the machine's speed.
    const code = runCli(args, { stdout: () => {}, stderr: (t) => (stderr += t), stderrIsTTY: true, progressAfterMs: 0 });
    expect(code, stderr).toBe(0);
    // Each count is shown on the one progress line.
    expect(stderr).toMatch(/\r\x1b\[Kwrite statements… \d+ MiB \(100,000 statements\) \(\d+\.\d s\)/);
    expect(stderr).toMatch(/\r\x1b\[Kwrite csv… [\d,]+ of 100,000 members \(\d+\.\d s\)/);
    expect(stderr.endsWith("\r\x1b[K")).toBe(true);
  });

  it("compplan diff --out is replaced whole too, may not contain an input, and refuses a folder of other files", () => {
    const change = "plans/starter-unilevel/changes/level-3-five-percent.yaml";
    const diff = (out: string, ...inputs: string[]) => cli("diff", "--base", STARTER, "--change", change, "--members", inputs[0] ?? members, "--orders", inputs[1] ?? orders, "--period", "2026-10", "--out", out);
    const out = join(dir, "diff-out");
    expect(diff(out).code).toBe(0);
    writeFileSync(join(out, "report.html"), "stale");
    const again = diff(out);
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(["diff.json", "report.html"]);
    expect(readFileSync(join(out, "report.html"), "utf8")).not.toBe("stale");
    const inside = join(out, "orders.csv");
    cpSync(orders, inside);
    const r = diff(out, members, inside);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--out ${out} contains the input file ${inside}`);
    rmSync(inside);
    writeFileSync(join(out, "notes.txt"), "mine");
    const foreign = diff(out);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain("holds files compplan did not write (notes.txt); a run replaces the whole folder: choose a new or empty folder\n");
    expect(readFileSync(join(out, "notes.txt"), "utf8")).toBe("mine");
  });

  it("a run stopped between setting the earlier folder aside and renaming the new one in: the next run restores it first", () => {
    const out = join(dir, "aside");
    expect(run(out).code).toBe(0);
    const before = snapshot(out);
    // What such a run leaves: the earlier folder under its aside name (a process id no longer running).
    const aside = join(dir, ".aside.compplan-old-999999999");
    renameSync(out, aside);
    // A run that fails (a missing orders file) still restores the earlier run first, and leaves it.
    const r = cli("run", "--plan", STARTER, "--members", members, "--orders", join(dir, "missing.csv"), "--period", "2026-10", "--out", out);
    expect(r.stderr).toContain(`restored ${out} from ${aside}`);
    expect(r.code).toBe(1);
    expect(snapshot(out)).toEqual(before);
    expect(leftovers(out)).toEqual([]);
  });
});

describe("npm start", () => {
  it("its steps run as written, twice in a row, and leave a run folder that replays", () => {
    const base = join(dir, "start");
    for (let time = 0; time < 2; time++) {
      for (const args of startSteps(base)) {
        const r = cli(...args);
        expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
      }
    }
    expect(cli("replay", join(base, "run")).code).toBe(0);
  });
});

describe("compplan with its output piped into a reader that stops early", () => {
  it("drops what the reader no longer takes (EPIPE): exit code and files as without the pipe", () => {
    // npm test builds before running vitest; alone, run `npm run build` first.
    expect(existsSync("dist/cli.js"), "dist/cli.js is missing: run npm run build first").toBe(true);
    const data = join(dir, "epipe-data");
    expect(cli("generate", "--members", "500", "--seed", "3", "--out", data).code).toBe(0);
    for (let k = 0; k < 3; k++) {
      const out = join(dir, `epipe-${k}`);
      // `true` exits without reading, so compplan's writes to stdout fail with EPIPE.
      const sh = `node dist/cli.js run --plan ${STARTER} --members ${join(data, "members.csv")} --orders ${join(data, "orders.csv")} --period 2026-10 --out ${out} | true; echo "rc=\${PIPESTATUS[0]}"`;
      const r = spawnSync("bash", ["-c", sh], { encoding: "utf8" });
      expect(r.stdout.trim()).toBe("rc=0");
      expect(r.stderr).not.toContain("EPIPE");
      expect(existsSync(join(out, "bundle.json"))).toBe(true);
    }
  });
});

describe("compplan run: a measure no order carries", () => {
  it("is a notice on stderr (the run is valid: a missing column counts 0), and a full file gives none", () => {
    const data = join(dir, "no-cv");
    expect(cli("generate", "--members", "300", "--seed", "5", "--out", data).code).toBe(0);
    const full = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(dir, "no-cv-full"));
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).not.toContain("note:");
    // The same orders without their CV column.
    const rows = readFileSync(join(data, "orders.csv"), "utf8").trimEnd().split("\n").map((line) => line.split(","));
    const cv = (rows[0] as string[]).indexOf("CV");
    expect(cv).toBeGreaterThan(0);
    writeFileSync(join(data, "orders-no-cv.csv"), `${rows.map((r) => r.filter((_, k) => k !== cv).join(",")).join("\n")}\n`);
    const r = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders-no-cv.csv"), "--period", "2026-10", "--out", join(dir, "no-cv-run"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("compplan: note: no order carries any CV (an orders CSV without a CV column counts 0 for it); is that column missing?");
  });

  it("--ignore-columns naming a column compplan reads says it was read, not ignored", () => {
    const data = join(dir, "no-cv");
    const r = cli("run", "--plan", STARTER, "--members", join(data, "members.csv"), "--orders", join(data, "orders.csv"), "--period", "2026-10", "--out", join(dir, "ignore-known"), "--ignore-columns", "PV,email,sponsorId");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("compplan: note: --ignore-columns PV: PV is a column compplan reads, so it was read, not ignored");
    expect(r.stderr).toContain("--ignore-columns sponsorId: sponsorId is a column compplan reads");
    expect(r.stderr).not.toContain("--ignore-columns email");
  });
});
