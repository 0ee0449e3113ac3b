/**
 * The entry point of a sweep worker thread (built as dist/sweep-worker.mjs). The bootstrap in ./sweep.ts
 * loads this module and calls {@link sweepWorkerMain} with the worker's share of the sweep.
 */
import { runChunk } from "./sweep.js";

/** @internal Computes one worker's share of a sweep. */
export function sweepWorkerMain(chunk: Parameters<typeof runChunk>[0]): ReturnType<typeof runChunk> {
  return runChunk(chunk);
}
