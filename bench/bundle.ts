// Benchmarks time the code as the package ships it: one bundle (tsup), not tsx's per-file transform,
// which wraps every function for its name and runs measurably slower.
import { spawnSync } from "node:child_process";

/** Where benchmark bundles go (node_modules resolves from there). */
export const BUNDLE_DIR = "node_modules/.cache/compplan-bench";

/** Builds `entry` (a bench/*.ts file) into BUNDLE_DIR/`name`.mjs and returns that path. */
export async function bundle(entry: string, name: string): Promise<string> {
  const { build } = await import("tsup");
  await build({ entry: { [name]: entry }, outDir: BUNDLE_DIR, format: ["esm"], platform: "node", target: "node20", silent: true, config: false, outExtension: () => ({ js: ".mjs" }) });
  return `${BUNDLE_DIR}/${name}.mjs`;
}

/** Whether this module runs from a bundle (else the caller bundles itself and runs that). */
export function isBundled(url: string): boolean {
  return url.endsWith(".mjs");
}

/** Bundles `entry` and runs it with the same arguments, passing its output through; returns its exit code. */
export async function runBundled(entry: string, name: string, nodeArgs: readonly string[] = []): Promise<number> {
  const path = await bundle(entry, name);
  const r = spawnSync(process.execPath, [...nodeArgs, path, ...process.argv.slice(2)], { stdio: "inherit" });
  return r.status ?? 1;
}
