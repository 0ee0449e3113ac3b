// The input edges through the compplan command: bytes kept exact, unreadable files, CR-only line ends,
// ignored columns on run, replay and explain, and a measure without a column.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli } from "./fixtures/cli.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-input-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const STARTER = "plans/starter-unilevel/plan.yaml";

function write(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const run = (members: string, orders: string, out: string, ...more: string[]) =>
  cli("run", "--plan", STARTER, "--members", members, "--orders", orders, "--period", "2026-10", "--out", join(dir, out), ...more);

const MEMBERS = "id,sponsorId,joinDate\nA,,2024-01-01\n";
const ORDERS = "id,memberId,kind,date,PV,CV,RETAIL\n";

describe("compplan run: input bytes kept exact", () => {
  it("does not credit an order for B\\xfe to member B\\xff: exit 1 with INPUT_ENCODING, file and line", () => {
    const members = write("m-bad.csv", Buffer.concat([Buffer.from(`${MEMBERS}B`), Buffer.from([0xff]), Buffer.from(",A,2024-01-01\n")]));
    const orders = write("o-bad.csv", Buffer.concat([Buffer.from(`${ORDERS}o1,B`), Buffer.from([0xfe]), Buffer.from(",retail-sale,2026-10-03,100,100,10\n")]));
    const r = run(members, orders, "never-bad");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`INPUT_ENCODING at members (${members}:3)`);
    expect(r.stderr).toContain(`INPUT_ENCODING at orders (${orders}:2)`);
    expect(r.stdout).toBe("");
  });

  it("a missing members file is INPUT_UNREADABLE with the system's reason; CR-only line ends are named", () => {
    const orders = write("o-empty.csv", ORDERS);
    const missing = cli("run", "--plan", STARTER, "--members", join(dir, "nope.csv"), "--orders", orders, "--period", "2026-10", "--out", join(dir, "never-1"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/INPUT_UNREADABLE at members .*no such file or directory \(ENOENT\)/);
    const mac = run(write("m-mac.csv", MEMBERS.replaceAll("\n", "\r")), orders, "never-2");
    expect(mac.code).toBe(1);
    expect(mac.stderr).toContain("CR alone (old Mac OS line ends)");
  });
});

describe("compplan run, replay and explain: columns", () => {
  const members = () => write("m-email.csv", "id,sponsorId,joinDate,email\nA,,2024-01-01,a@example.com\nB,A,2024-01-01,b@example.com\n");
  // No RETAIL column: RETAIL counts 0 on every order.
  const orders = () => write("o-email.csv", "id,memberId,kind,date,PV,CV,email\no1,B,retail-sale,2026-10-03,150,100,b@example.com\n");

  it("an extra column is INPUT_UNKNOWN_COLUMN unless named in --ignore-columns", () => {
    const strict = run(members(), orders(), "never-3");
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain("INPUT_UNKNOWN_COLUMN at members.header.email");
    expect(strict.stderr).toContain("--ignore-columns");
  });

  it("runs with --ignore-columns and no RETAIL column, and replay and explain read the same files", () => {
    const m = members();
    const o = orders();
    const r = run(m, o, "ok", "--ignore-columns", "email");
    expect(r.code, r.stderr).toBe(0);
    const statements = readFileSync(join(dir, "ok", "statements.ndjson"), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(statements.find((s) => s.memberId === "B")?.volumes.personal).toEqual({ CV: "100", PV: "150", RETAIL: "0" });
    const replay = cli("replay", join(dir, "ok"), "--members", m, "--orders", o, "--ignore-columns", "email");
    expect(replay.code, replay.stderr + replay.stdout).toBe(0);
    expect(cli("replay", join(dir, "ok"), "--members", m, "--orders", o).code).toBe(1);
    const explain = cli("explain", join(dir, "ok"), "B", "--members", m, "--orders", o, "--ignore-columns", "email");
    expect(explain.code, explain.stderr).toBe(0);
  });
});
