// compplan place (docs/placement.md) through the command: the file it writes (CSV, JSON, NDJSON by
// extension, members in id order, byte-identical for any row order of the input) is a members file
// compplan run reads; input issues exit 1 with file and line and write nothing; wrong usage exits 2.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { shuffle } from "./arbitraries/inputs.js";
import { cli } from "./fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-place-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const out = (name: string) => join(dir, name);

// R sponsors A, B, C, D; B sponsors E. A is placed already (on R's leg 2), the others are new.
const HEADER = "id,sponsorId,joinDate,placementId,leg";
const ROWS = ["R,,2024-01-01,,", "A,R,2024-01-01,R,2", "B,R,2025-01-02,,", "C,R,2025-01-01,,", "D,R,2025-01-03,,", "E,B,2025-01-01,,"];
const MEMBERS = `${HEADER}\n${ROWS.join("\n")}\n`;

describe("compplan place: spillover", () => {
  it("writes every member with its placement, in id order, keeping the placement given (exit 0)", () => {
    const members = write("m.csv", MEMBERS);
    const r = cli("place", "--members", members, "--width", "2", "--out", out("p.csv"));
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`wrote ${out("p.csv")}: 6 members, 2 kept as placed, 4 placed (spillover, 2 wide)\n`);
    // C (joined first) takes R's free leg 1; B goes to level 2 leftmost (C:L); E waits for its sponsor B
    // and goes under B; D fills C:R.
    expect(readFileSync(out("p.csv"), "utf8")).toBe(
      [
        "id,sponsorId,joinDate,status,rank,placementId,leg",
        "A,R,2024-01-01,enrolled,,R,R",
        "B,R,2025-01-02,enrolled,,C,L",
        "C,R,2025-01-01,enrolled,,R,L",
        "D,R,2025-01-03,enrolled,,C,R",
        "E,B,2025-01-01,enrolled,,B,L",
        "R,,2024-01-01,enrolled,,,",
        "",
      ].join("\n"),
    );
  });

  it("the same members in any row order give a byte-identical file", () => {
    const expected = (() => {
      cli("place", "--members", write("m-0.csv", MEMBERS), "--width", "3", "--out", out("order-0.csv"));
      return readFileSync(out("order-0.csv"));
    })();
    for (let seed = 1; seed <= 5; seed++) {
      const members = write(`m-${seed}.csv`, `${HEADER}\n${shuffle(ROWS, seed).join("\n")}\n`);
      expect(cli("place", "--members", members, "--width", "3", "--out", out(`order-${seed}.csv`)).code).toBe(0);
      expect(readFileSync(out(`order-${seed}.csv`)).equals(expected)).toBe(true);
    }
  });

  it("compplan run reads the file on a plan whose unilevel walks the placement tree", () => {
    const plan = write(
      "plan.yaml",
      `compplan: 1
id: matrix
currency: USD
payoutBasis: PV
measures:
  PV: { counts: [retail-sale] }
placement: { width: 2 }
bonuses:
  - key: matrix
    kind: unilevel
    measure: PV
    tree: placement
    compression: none
    unqualifiedVolumePays: true
    schedule:
      - rates: ["0.10", "0.05"]
`,
    );
    const orders = write("o.csv", "id,memberId,kind,date,PV\no1,E,retail-sale,2026-10-02,100\n");
    expect(cli("place", "--members", write("m-run.csv", MEMBERS), "--width", "2", "--out", out("placed.csv")).code).toBe(0);
    const r = cli("run", "--plan", plan, "--members", out("placed.csv"), "--orders", orders, "--period", "2026-10", "--out", out("run"));
    expect(r.code, r.stderr).toBe(0);
    // E sits under B, under C, under R: B is paid 10% of E's 100 PV, C 5%; R (level 3) nothing.
    const statements = readFileSync(join(out("run"), "statements.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { memberId: string; total: string });
    expect(Object.fromEntries(statements.map((s) => [s.memberId, s.total]))).toEqual({ A: "0.00", B: "10.00", C: "5.00", D: "0.00", E: "0.00", R: "0.00" });
  });

  it("JSON and NDJSON by the --out file's extension; ids that need quoting in CSV are quoted", () => {
    const members = write("m.json", JSON.stringify([{ id: "R", sponsorId: null, joinDate: "2024-01-01" }, { id: "Ann, Jr.", sponsorId: "R", joinDate: "2025-01-01", rank: "Gold" }, { id: 'Bo "B"', sponsorId: "Ann, Jr.", joinDate: "2025-01-01", status: "suspended" }]));
    expect(cli("place", "--members", members, "--width", "4", "--out", out("p.json")).code).toBe(0);
    expect(readFileSync(out("p.json"), "utf8")).toBe(
      '[\n{"id":"Ann, Jr.","sponsorId":"R","joinDate":"2025-01-01","status":"enrolled","rank":"Gold","placementId":"R","leg":1},\n{"id":"Bo \\"B\\"","sponsorId":"Ann, Jr.","joinDate":"2025-01-01","status":"suspended","placementId":"Ann, Jr.","leg":1},\n{"id":"R","sponsorId":null,"joinDate":"2024-01-01","status":"enrolled","placementId":null,"leg":null}\n]\n',
    );
    expect(cli("place", "--members", members, "--width", "4", "--out", out("p.ndjson")).code).toBe(0);
    expect(readFileSync(out("p.ndjson"), "utf8").split("\n")).toHaveLength(4);
    expect(cli("place", "--members", members, "--width", "4", "--out", out("p-quoted.csv")).code).toBe(0);
    const csv = readFileSync(out("p-quoted.csv"), "utf8");
    expect(csv).toBe('id,sponsorId,joinDate,status,rank,placementId,leg\n"Ann, Jr.",R,2025-01-01,enrolled,Gold,R,1\n"Bo ""B""","Ann, Jr.",2025-01-01,suspended,,"Ann, Jr.",1\nR,,2024-01-01,enrolled,,,\n');
    // Placing a placed file again changes nothing.
    expect(cli("place", "--members", out("p-quoted.csv"), "--width", "4", "--out", out("p-again.csv")).code).toBe(0);
    expect(readFileSync(out("p-again.csv"), "utf8")).toBe(csv);
  });
});

describe("compplan place: the fast CSV path and the general path", () => {
  it("give the same file (a plain CSV without placement columns is read the fast way; JSON the general way)", () => {
    const rows = Array.from({ length: 300 }, (_, i) => ({
      id: `M${String(i).padStart(4, "0")}`,
      sponsorId: i === 0 ? null : `M${String(Math.floor((((i * 7919) % 1000) / 1000) * i)).padStart(4, "0")}`,
      joinDate: `2025-0${1 + (i % 9)}-1${i % 10}`,
      status: i % 17 === 5 ? "suspended" : "enrolled",
      rank: i % 11 === 3 ? "Gold" : "",
    }));
    const csv = write("fast.csv", `id,sponsorId,joinDate,status,rank\n${shuffle(rows, 3).map((r) => `${r.id},${r.sponsorId ?? ""},${r.joinDate},${r.status},${r.rank}`).join("\n")}\n`);
    const json = write("general.json", JSON.stringify(rows));
    for (const args of [["--width", "3"], ["--method", "weaker-leg"], ["--width", "2", "--depth", "9", "--when-full", "upline"]]) {
      expect(cli("place", "--members", csv, ...args, "--out", out("from-fast.csv"), "--force").code).toBe(0);
      expect(cli("place", "--members", json, ...args, "--out", out("from-general.csv"), "--force").code).toBe(0);
      expect(readFileSync(out("from-fast.csv"), "utf8")).toBe(readFileSync(out("from-general.csv"), "utf8"));
    }
    expect(readFileSync(out("from-fast.csv"), "utf8")).toContain(",suspended,Gold,");
  });
});

describe("compplan place: binary methods", () => {
  it("extreme-left, extreme-right and weaker-leg (by count, and by a measure over an orders file)", () => {
    const members = write("b.csv", "id,sponsorId,joinDate\nR,,2024-01-01\nA,R,2025-01-01\nB,R,2025-01-02\nC,R,2025-01-03\n");
    const placements = (file: string) => readFileSync(file, "utf8").trim().split("\n").slice(1).map((l) => l.split(",").slice(0, 1).concat(l.split(",").slice(5)).join(" "));
    expect(cli("place", "--members", members, "--method", "extreme-left", "--out", out("xl.csv")).code).toBe(0);
    expect(placements(out("xl.csv"))).toEqual(["A R L", "B A L", "C B L", "R  "]);
    expect(cli("place", "--members", members, "--method", "extreme-right", "--width", "2", "--out", out("xr.csv")).code).toBe(0);
    expect(placements(out("xr.csv"))).toEqual(["A R R", "B A R", "C B R", "R  "]);
    expect(cli("place", "--members", members, "--method", "weaker-leg", "--out", out("wl.csv")).code).toBe(0);
    expect(placements(out("wl.csv"))).toEqual(["A R L", "B R R", "C A L", "R  "]);
    // By PV: A's 300 PV make the left heavier than B's 100, so C goes right (under B); CV is read and checked, not used.
    const orders = write("b-orders.csv", "id,memberId,kind,date,PV,CV\no1,A,personal-consumption,2026-10-01,300,1\no2,B,retail-sale,2026-10-01,100,900\n");
    const r = cli("place", "--members", members, "--method", "weaker-leg", "--measure", "PV", "--orders", orders, "--out", out("wl-pv.csv"));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("(weaker-leg by PV)");
    expect(placements(out("wl-pv.csv"))).toEqual(["A R L", "B R R", "C B R", "R  "]);
  });
});

describe("compplan place: issues (exit 1, nothing written)", () => {
  it("a full matrix names the member, its file line and the sponsor", () => {
    const members = write("full.csv", "id,sponsorId,joinDate\nR,,2024-01-01\nA,R,2025-01-01\nB,R,2025-01-02\nC,R,2025-01-03\n");
    const r = cli("place", "--members", members, "--width", "2", "--depth", "1", "--out", out("never.csv"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`PLACEMENT_MATRIX_FULL at members[3].sponsorId (${members}:5): new member "C" has no free position: the matrix of its sponsor "R", 2 wide and 1 level deep, is full`);
    expect(existsSync(out("never.csv"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.includes("compplan-tmp"))).toEqual([]);
    const json = cli("place", "--members", members, "--width", "2", "--depth", "1", "--out", out("never.csv"), "--json");
    expect(json.code).toBe(1);
    const issues = (JSON.parse(json.stderr) as { issues: { code: string; line: number }[] }).issues;
    expect(issues.map((i) => [i.code, i.line])).toEqual([["PLACEMENT_MATRIX_FULL", 5]]);
    expect(cli("place", "--members", members, "--width", "2", "--depth", "1", "--when-full", "upline", "--out", out("never.csv")).code).toBe(1);
    expect(cli("place", "--members", members, "--width", "2", "--depth", "2", "--out", out("full-ok.csv")).code).toBe(0);
  });

  it("the placement a file gives is checked; so are the members and the orders", () => {
    const bad = write("bad.csv", "id,sponsorId,joinDate,placementId,leg\nR,,2024-01-01,,\nA,R,2025-01-01,N,L\nN,R,2025-01-01,,\nB,R,2025-01-01,R,3\n");
    const r = cli("place", "--members", bad, "--width", "2", "--out", out("never.csv"));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`PLACEMENT_TOO_WIDE at members[3].leg (${bad}:5)`);
    const unplaced = cli("place", "--members", write("unplaced.csv", "id,sponsorId,joinDate,placementId,leg\nR,,2024-01-01,,\nA,R,2025-01-01,N,L\nN,R,2025-01-01,,\n"), "--width", "2", "--out", out("never.csv"));
    expect(unplaced.stderr).toContain("PLACEMENT_PARENT_UNPLACED at members[1].placementId");
    const sponsor = cli("place", "--members", write("sponsor.csv", "id,sponsorId,joinDate\nR,,2024-01-01\nA,Q,2025-01-01\n"), "--width", "2", "--out", out("never.csv"));
    expect(sponsor.code).toBe(1);
    expect(sponsor.stderr).toContain("MEMBER_UNKNOWN_SPONSOR at members[1].sponsorId");
    const column = cli("place", "--members", write("col.csv", "id,sponsorId,joinDate,email\nR,,2024-01-01,r@x\n"), "--width", "2", "--out", out("never.csv"));
    expect(column.stderr).toContain("INPUT_UNKNOWN_COLUMN at members.header.email");
    expect(cli("place", "--members", out("col.csv"), "--width", "2", "--out", out("col-ok.csv"), "--ignore-columns", "email").code).toBe(0);
    const members = write("o-members.csv", "id,sponsorId,joinDate\nR,,2024-01-01\nA,R,2025-01-01\n");
    const orders = write("o-bad.csv", "id,memberId,kind,date,PV\no1,Q,retail-sale,2026-10-01,1\no2,A,retail-sale,2026-10-01,-1\n");
    const o = cli("place", "--members", members, "--method", "weaker-leg", "--measure", "PV", "--orders", orders, "--out", out("never.csv"));
    expect(o.code).toBe(1);
    expect(o.stderr).toContain(`ORDER_VOLUME_NEGATIVE at orders[1].volumes.PV (${orders}:3)`);
    const measure = cli("place", "--members", members, "--method", "weaker-leg", "--measure", "BV", "--orders", write("o-pv.csv", "id,memberId,kind,date,PV\no1,A,retail-sale,2026-10-01,1\n"), "--out", out("never.csv"));
    expect(measure.stderr).toContain('INPUT_MISSING_COLUMN at orders.volumes.BV: no order has a volume of "BV", the measure that weighs the legs (the orders\' measures: PV)');
    expect(existsSync(out("never.csv"))).toBe(false);
    const missing = cli("place", "--members", join(dir, "nope.csv"), "--width", "2", "--out", out("never.csv"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("INPUT_UNREADABLE at members");
  });
});

describe("compplan place: usage (exit 2)", () => {
  const members = () => write("u.csv", "id,sponsorId,joinDate\nR,,2024-01-01\n");
  const usage = (...args: string[]) => {
    const r = cli("place", ...args);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('Run "compplan place --help" for its usage.');
    return r.stderr.split("\n")[0];
  };

  it("names what is wrong", () => {
    const m = members();
    const o = out("u-out.csv");
    expect(usage("--width", "2", "--out", o)).toBe("compplan place: --members is required");
    expect(usage("--members", m, "--width", "2")).toBe("compplan place: --out is required");
    expect(usage("--members", m, "--out", o)).toBe("compplan place: --width is required for spillover (the matrix width, 2 to 1000)");
    expect(usage("--members", m, "--out", o, "--width", "1")).toBe("compplan place: --width is a whole number from 2 to 1,000 (the positions under each member)");
    expect(usage("--members", m, "--out", o, "--width", "2.5")).toContain("--width is a whole number");
    expect(usage("--members", m, "--out", o, "--method", "snake")).toBe("compplan place: --method is one of spillover, extreme-left, extreme-right, weaker-leg");
    expect(usage("--members", m, "--out", o, "--method", "extreme-left", "--width", "3")).toBe("compplan place: --method extreme-left places in a binary tree: --width is 2 (or left out)");
    expect(usage("--members", m, "--out", o, "--method", "extreme-left", "--depth", "3")).toBe("compplan place: --depth is for spillover only (a binary leg has no depth limit)");
    expect(usage("--members", m, "--out", o, "--width", "2", "--depth", "0")).toContain("--depth is a whole number from 1 to 1,000,000");
    expect(usage("--members", m, "--out", o, "--width", "2", "--when-full", "upline")).toBe("compplan place: --when-full needs --depth (a matrix without a depth is never full)");
    expect(usage("--members", m, "--out", o, "--width", "2", "--depth", "2", "--when-full", "spill")).toBe("compplan place: --when-full is error or upline");
    expect(usage("--members", m, "--out", o, "--width", "2", "--measure", "PV", "--orders", m)).toBe("compplan place: --measure and --orders are for --method weaker-leg only");
    expect(usage("--members", m, "--out", o, "--method", "weaker-leg", "--measure", "PV")).toContain("--measure and --orders go together");
    expect(usage("--members", m, "--out", m, "--width", "2")).toBe("compplan place: --out is the members file: write to another file (the input is left as it was)");
    expect(usage("--members", m, "--out", o, "--widht", "2")).toBe("compplan place: unknown option --widht (did you mean --width?)");
  });

  it("an existing --out file is replaced only with --force", () => {
    const m = members();
    const o = write("exists.csv", "keep me\n");
    expect(usage("--members", m, "--out", o, "--width", "2")).toBe(`compplan place: ${o} exists: give --force to replace it`);
    expect(readFileSync(o, "utf8")).toBe("keep me\n");
    expect(cli("place", "--members", m, "--out", o, "--width", "2", "--force").code).toBe(0);
    expect(readFileSync(o, "utf8")).toBe("id,sponsorId,joinDate,status,rank,placementId,leg\nR,,2024-01-01,enrolled,,,\n");
  });

  it("--help prints the command's usage", () => {
    const r = cli("place", "--help");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage:\n {2}compplan place --members FILE --out FILE/);
    expect(r.stdout).toContain("--when-full error|upline");
    expect(cli("help").stdout).toContain("compplan place --members FILE");
  });
});
