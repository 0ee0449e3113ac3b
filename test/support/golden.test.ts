import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectGolden } from "./golden.js";

describe("golden files", () => {
  const dir = mkdtempSync(join(tmpdir(), "compplan-golden-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("a missing golden file fails the check and is not written", () => {
    const path = join(dir, "missing.json");
    expect(() => expectGolden(path, "{}\n")).toThrow(/golden file .*missing\.json is missing/);
    expect(() => expectGolden(path, "{}\n")).toThrow(/is missing/); // still missing: nothing was written
  });

  it("a golden file that differs fails; an equal one passes", () => {
    const path = join(dir, "present.json");
    writeFileSync(path, "[1]\n");
    expect(() => expectGolden(path, "[2]\n")).toThrow();
    expectGolden(path, "[1]\n");
  });
});
