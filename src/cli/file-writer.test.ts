// statements.ndjson as `compplan run` writes it: the bytes are the canonical statements (serialised from the
// statement objects, not by the byte renderer) one per line, the fingerprint is the SHA-256 of the file,
// with the worker thread and without, with many buffers and one; and writing that fails (a directory in
// the way, a full disk) or rendering that fails ends in a clear error, never a hang.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MemberInput, type OrderInput, calculate, canonicalJson, parsePlan } from "../index.js";
import { writeOutputs } from "./cli.js";
import { writeHashed } from "./file-writer.js";

const dir = mkdtempSync(join(tmpdir(), "compplan-writer-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A seeded genealogy of n members with one or two orders each; some ids need JSON escaping or are not ASCII. */
function input(n: number): { period: string; members: MemberInput[]; orders: OrderInput[] } {
  let s = 12345;
  const random = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const odd = ['"q"', "back\\slash", "é", "😀"];
  const ids = Array.from({ length: n }, (_, i) => `M${String(i).padStart(6, "0")}${i % 97 === 5 ? (odd[i % odd.length] as string) : ""}`);
  const members = ids.map((id, i) => ({ id, sponsorId: i === 0 ? null : (ids[Math.floor(random() * Math.min(i, 50 + i / 3))] as string), joinDate: "2025-01-10", status: i % 41 === 3 ? ("suspended" as const) : ("enrolled" as const) }));
  const orders: OrderInput[] = [];
  ids.forEach((id, i) => {
    for (let k = 0; k < 1 + (i % 2); k++) {
      const pv = String(Math.floor(random() * 300));
      orders.push({ id: `o${i}-${k}`, memberId: id, kind: k === 0 ? "personal-consumption" : "retail-sale", date: "2026-10-05", volumes: { PV: pv, CV: pv, RETAIL: String(Math.floor(random() * 40)) } });
    }
  });
  return { period: "2026-10", members, orders };
}

const run = calculate(parsePlan(readFileSync("plans/starter-unilevel/plan.yaml", "utf8")), input(20_000));
const expected = Buffer.from(Array.from(run.statements(), (s) => `${canonicalJson(s)}\n`).join(""), "utf8");
const sha256 = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

describe("writeOutputs", () => {
  it("the statements written are more than one buffer (so the worker thread is used by default)", () => {
    expect(expected.length).toBeGreaterThan(3 * (4 << 20));
  });

  for (const [name, options] of [
    ["default (worker, 4 MiB buffers)", {}],
    ["worker, 64 KiB buffers", { bufferSize: 1 << 16 }],
    ["in this thread", { worker: false }],
    ["in this thread, 64 KiB buffers", { worker: false, bufferSize: 1 << 16 }],
    ["one buffer larger than the output", { bufferSize: 64 << 20 }],
  ] as const) {
    it(`writes the canonical statements and fingerprints the file: ${name}`, () => {
      const out = join(dir, name.replace(/\W+/g, "-"));
      const r = writeOutputs(run, out, options);
      const file = readFileSync(r.statementsPath);
      expect(r.count).toBe(20_000);
      expect(file.length).toBe(expected.length);
      expect(file.equals(expected)).toBe(true);
      expect(r.statementsFingerprint).toBe(sha256(file));
      expect(JSON.parse(readFileSync(r.summaryPath, "utf8"))).toEqual(JSON.parse(canonicalJson(run.summary)));
    });
  }
});

describe("writeHashed", () => {
  it("an empty output is an empty file with the SHA-256 of nothing", () => {
    const path = join(dir, "empty");
    expect(writeHashed(path, () => {})).toBe(sha256(new Uint8Array(0)));
    expect(readFileSync(path).length).toBe(0);
  });

  it("a path that is a directory is a clear error", () => {
    const out = join(dir, "blocked");
    mkdirSync(join(out, "statements.ndjson"), { recursive: true });
    expect(() => writeOutputs(run, out)).toThrow(/^cannot write .*statements\.ndjson: EISDIR/);
    try {
      writeOutputs(run, out);
    } catch (e) {
      expect((e as { code?: string }).code).toBe("EISDIR");
    }
  });

  it.skipIf(!existsSync("/dev/full"))("a full disk is a clear error from the worker thread and from this thread, not a hang", () => {
    for (const options of [{}, { bufferSize: 1 << 16 }, { worker: false }]) {
      const out = join(dir, `full-${JSON.stringify(options).replace(/\W+/g, "")}`);
      mkdirSync(out, { recursive: true });
      symlinkSync("/dev/full", join(out, "statements.ndjson"));
      let error: unknown;
      try {
        writeOutputs(run, out, options);
      } catch (e) {
        error = e;
      }
      expect(String(error)).toMatch(/cannot write .*statements\.ndjson: ENOSPC/);
      expect((error as { code?: string }).code).toBe("ENOSPC");
      expect(existsSync(join(out, "summary.json"))).toBe(false);
    }
  });

  it("an error while rendering stops the worker and is thrown as it was", () => {
    for (const worker of [true, false]) {
      const path = join(dir, `render-fails-${worker}`);
      const chunk = new Uint8Array(1000).fill(65);
      expect(() =>
        writeHashed(
          path,
          (w) => {
            for (let k = 0; k < 1000; k++) w.bytes(chunk);
            throw new Error("render failed");
          },
          { worker, bufferSize: 1 << 16 },
        ),
      ).toThrow("render failed");
      // What was handed over before the failure was written in order; nothing after.
      const file = readFileSync(path);
      expect(file.length % (1 << 16)).toBe(0);
      expect(file.every((b) => b === 65)).toBe(true);
    }
  });
});
