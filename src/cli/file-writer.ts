/** Buffered file output for the CLI. */
import { type Hash, createHash } from "node:crypto";
import { closeSync, openSync, readSync, writeSync } from "node:fs";
import { Worker } from "node:worker_threads";
import { assert } from "../errors/issues.js";
import { ByteWriter, TextChunks } from "../run/bytes.js";

/**
 * @internal Buffered file output: each string is encoded straight into a reused 4 MiB buffer, so the
 * millions of small strings of a large run die young instead of piling up in a long string.
 */
export class FileWriter {
  private readonly fd: number;
  private readonly hash: Hash | undefined;
  private readonly chunks: TextChunks;
  /** Bytes written so far. */
  bytes = 0;

  /** @param sha256 - also hash the bytes written, for {@link FileWriter.fingerprint} */
  constructor(path: string, sha256 = false) {
    this.fd = openSync(path, "w");
    const hash = (this.hash = sha256 ? createHash("sha256") : undefined);
    this.chunks = new TextChunks((bytes) => {
      hash?.update(bytes);
      this.bytes += bytes.length;
      writeAll(this.fd, bytes);
    }, 4 << 20);
  }

  write(text: string): void {
    this.chunks.add(text);
  }

  flush(): void {
    this.chunks.flush();
  }

  /** `sha256:` and the hex SHA-256 of every byte written (only when made with `sha256`); call after close. */
  fingerprint(): string {
    assert(this.hash !== undefined, "file-writer-hash", "made without sha256");
    return `sha256:${this.hash.digest("hex")}`;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      closeSync(this.fd);
    }
  }
}

/** @internal A file's size and fingerprint, as a run bundle lists it. */
export interface FileFingerprint {
  readonly bytes: number;
  readonly fingerprint: string;
}

/**
 * Writes text pieces to a file through a {@link FileWriter}; with `sha256`, returns the file's size and
 * fingerprint (hashed while writing).
 */
export function writeText(path: string, pieces: Iterable<string>, sha256: true): FileFingerprint;
export function writeText(path: string, pieces: Iterable<string>, sha256?: false): void;
export function writeText(path: string, pieces: Iterable<string>, sha256 = false): FileFingerprint | undefined {
  const out = new FileWriter(path, sha256);
  try {
    for (const p of pieces) out.write(p);
  } finally {
    out.close();
  }
  return sha256 ? { bytes: out.bytes, fingerprint: out.fingerprint() } : undefined;
}

/** Writes all of `bytes` to `fd` (writeSync may write less than asked). */
function writeAll(fd: number, bytes: Uint8Array): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** Options of {@link writeHashed}. */
export interface WriteHashedOptions {
  /** Hash and write on a worker thread (default true); false does both in the calling thread. */
  readonly worker?: boolean;
  /** Bytes per buffer handed over (default 4 MiB; at least {@link ByteWriter.MIN_CAPACITY}). */
  readonly bufferSize?: number;
  /** Called in the calling thread each time a buffer is handed over, with the bytes handed over so far. */
  readonly onProgress?: (bytes: number) => void;
}

/**
 * @internal Writes to `path` the bytes `fill` appends to a {@link ByteWriter} and returns `sha256:` and
 * the hex SHA-256 of those bytes. While `fill` renders, a worker thread hashes and writes the filled
 * buffers, so the two run on separate cores; `fill` stays synchronous (it waits only when every buffer is
 * still in flight). Output of one buffer or less, or a worker that cannot start, is hashed and written in
 * the calling thread. A failure to write (disk full, no permission), in either thread, is thrown from here
 * as an Error saying which file, with the system's `code`; the file is then incomplete.
 */
export function writeHashed(path: string, fill: (w: ByteWriter) => void, options: WriteHashedOptions = {}): string {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw writeError(path, e);
  }
  const out = new HashedOutput(path, fd, Math.max(options.bufferSize ?? 4 << 20, ByteWriter.MIN_CAPACITY), options.worker ?? true, options.onProgress);
  let fingerprint: string;
  try {
    fill(out.writer);
    fingerprint = out.finish();
  } catch (e) {
    out.abort();
    try {
      closeSync(fd);
    } catch {
      // The first error is the one to report.
    }
    throw e;
  }
  try {
    closeSync(fd);
  } catch (e) {
    throw writeError(path, e);
  }
  return fingerprint;
}

function writeError(path: string, e: unknown): Error {
  const code = (e as { code?: unknown })?.code;
  const error = new Error(`cannot write ${path}: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  return typeof code === "string" ? Object.assign(error, { code }) : error;
}

const SLOTS = 8;
/** Int32 cells after the slots' cells: who consumes (0 undecided, 1 worker, 2 this thread), worker state. */
const OWNER = SLOTS;
const STATE = SLOTS + 1;
const ERROR_LENGTH = SLOTS + 2;
const CELLS = SLOTS + 3;
const STATE_RUNNING = 0;
const STATE_DONE = 1;
const STATE_FAILED = 2;
/** Slot cell values besides a byte count: free, end of output, abandoned. */
const FREE = 0;
const END = -1;
const ABANDON = -2;
/** How long a worker may take to start before this thread hashes and writes by itself. */
const START_TIMEOUT_MS = 10_000;

/**
 * The worker (a CommonJS script, no compplan modules): consumes the slots in order — hash, write, free —
 * until the end mark; then puts the digest in `text`. Failures go to `text` with the state FAILED.
 */
const WORKER = `
const { workerData: d } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const { writeSync } = require("node:fs");
const cells = new Int32Array(d.cells);
const text = new Uint8Array(d.text);
const finish = (state) => {
  Atomics.store(cells, d.STATE, state);
  for (let s = 0; s < d.CELLS; s++) Atomics.notify(cells, s);
};
const fail = (e) => {
  const b = Buffer.from(String((e && e.code) || "") + "\\n" + String((e && e.message) || e)).subarray(0, text.length);
  text.set(b, 0);
  Atomics.store(cells, d.ERROR_LENGTH, b.length);
  finish(d.STATE_FAILED);
};
process.on("exit", () => {
  if (Atomics.load(cells, d.OWNER) === 1 && Atomics.load(cells, d.STATE) === d.STATE_RUNNING) fail(new Error("the writer thread stopped"));
});
if (Atomics.compareExchange(cells, d.OWNER, 0, 1) === 0) {
  try {
    const hash = createHash("sha256");
    for (let s = 0; ; s = (s + 1) % d.SLOTS) {
      let n;
      while ((n = Atomics.load(cells, s)) === d.FREE) Atomics.wait(cells, s, d.FREE);
      if (n === d.ABANDON) {
        finish(d.STATE_DONE);
        break;
      }
      if (n === d.END) {
        text.set(hash.digest(), 0);
        finish(d.STATE_DONE);
        break;
      }
      const view = new Uint8Array(d.data, s * d.slotSize, n);
      hash.update(view);
      for (let done = 0; done < n; ) done += writeSync(d.fd, view, done, n - done);
      Atomics.store(cells, s, d.FREE);
      Atomics.notify(cells, s);
    }
  } catch (e) {
    fail(e);
  }
}
`;

/**
 * A ring of {@link SLOTS} buffers in shared memory. This thread fills slot after slot and publishes each
 * (its cell holds the byte count); the consumer — the worker, or this thread itself — hashes and writes it
 * and frees it (cell 0). The worker starts when the first slot is full.
 */
class HashedOutput {
  readonly writer: ByteWriter;
  private readonly cells: Int32Array;
  private readonly data: SharedArrayBuffer;
  private readonly text: Uint8Array;
  /** The slot being filled. */
  private slot = 0;
  private worker: Worker | undefined;
  private started = 0;
  /** This thread consumes (no worker, or it did not start in time). */
  private local: boolean;
  private readonly hash: Hash = createHash("sha256");
  /** Bytes handed over so far. */
  private handed = 0;

  constructor(
    private readonly path: string,
    private readonly fd: number,
    private readonly slotSize: number,
    private readonly useWorker: boolean,
    private readonly onProgress: ((bytes: number) => void) | undefined,
  ) {
    this.cells = new Int32Array(new SharedArrayBuffer(CELLS * 4));
    this.data = new SharedArrayBuffer(SLOTS * slotSize);
    this.text = new Uint8Array(new SharedArrayBuffer(4096));
    this.local = !useWorker;
    this.writer = new ByteWriter(this.view(0), (w) => {
      this.publish(w.pos);
      w.buf = this.view(this.slot);
      w.pos = 0;
    });
  }

  private view(slot: number): Uint8Array {
    return new Uint8Array(this.data, slot * this.slotSize, this.slotSize);
  }

  /** Hands the current slot's `n` bytes to the consumer and waits until the next slot is free. */
  private publish(n: number): void {
    if (this.useWorker && this.worker === undefined && !this.local) this.startWorker();
    if (this.local) this.consume(this.slot, n);
    else {
      Atomics.store(this.cells, this.slot, n);
      Atomics.notify(this.cells, this.slot);
    }
    this.slot = (this.slot + 1) % SLOTS;
    this.handed += n;
    this.onProgress?.(this.handed);
    this.acquire(this.slot);
  }

  private startWorker(): void {
    try {
      const { cells, data, text, fd, slotSize } = this;
      const constants = { SLOTS, OWNER, STATE, ERROR_LENGTH, CELLS, STATE_RUNNING, STATE_DONE, STATE_FAILED, FREE, END, ABANDON };
      this.worker = new Worker(WORKER, { eval: true, workerData: { cells: cells.buffer, data, text: text.buffer, fd, slotSize, ...constants } });
      this.worker.unref();
      this.started = performance.now();
    } catch {
      this.local = true;
    }
  }

  /** Waits until `slot` is free, throwing what the worker failed with. */
  private acquire(slot: number): void {
    for (let x = Atomics.load(this.cells, slot); x !== FREE; x = Atomics.load(this.cells, slot)) {
      this.check();
      if (this.takeOver(slot)) return;
      Atomics.wait(this.cells, slot, x, 100);
    }
  }

  /**
   * When the worker has not started within {@link START_TIMEOUT_MS}, claims the slots for this thread and
   * consumes every published one, oldest (`oldest`) first. True when this thread now consumes.
   */
  private takeOver(oldest: number): boolean {
    if (this.local) return true;
    if (performance.now() - this.started < START_TIMEOUT_MS || Atomics.compareExchange(this.cells, OWNER, 0, 2) !== 0) return false;
    this.local = true;
    for (let k = 0; k < SLOTS; k++) {
      const s = (oldest + k) % SLOTS;
      const n = Atomics.load(this.cells, s);
      if (n > 0) this.consume(s, n);
      Atomics.store(this.cells, s, FREE);
    }
    void this.worker?.terminate();
    return true;
  }

  private consume(slot: number, n: number): void {
    const bytes = new Uint8Array(this.data, slot * this.slotSize, n);
    this.hash.update(bytes);
    try {
      writeAll(this.fd, bytes);
    } catch (e) {
      throw writeError(this.path, e);
    }
  }

  private check(): void {
    if (Atomics.load(this.cells, STATE) !== STATE_FAILED) return;
    const [code, ...message] = Buffer.from(this.text.buffer, 0, Atomics.load(this.cells, ERROR_LENGTH)).toString("utf8").split("\n");
    throw writeError(this.path, { code: code === "" ? undefined : code, message: message.join("\n") });
  }

  /** Publishes what is left, waits for the consumer to finish, and returns the fingerprint. */
  finish(): string {
    const w = this.writer;
    if (this.worker === undefined) this.local = true;
    if (w.pos > 0) this.publish(w.pos);
    if (!this.local) {
      Atomics.store(this.cells, this.slot, END);
      Atomics.notify(this.cells, this.slot);
      this.waitForWorker();
    }
    if (this.local) return `sha256:${this.hash.digest("hex")}`;
    return `sha256:${Buffer.from(this.text.buffer, 0, 32).toString("hex")}`;
  }

  /** Waits until the worker is done (or has failed: thrown), or this thread takes over. */
  private waitForWorker(): void {
    for (;;) {
      this.check();
      if (Atomics.load(this.cells, STATE) === STATE_DONE) return;
      // Published slots, oldest first, follow the end mark in ring order.
      if (this.takeOver((this.slot + 1) % SLOTS)) return;
      Atomics.wait(this.cells, STATE, STATE_RUNNING, 100);
    }
  }

  /** After a failure: tells the worker to stop, and waits until it no longer writes to the file. */
  abort(): void {
    if (this.worker === undefined || this.local) return;
    if (Atomics.compareExchange(this.cells, OWNER, 0, 2) === 0) return;
    Atomics.store(this.cells, this.slot, ABANDON);
    Atomics.notify(this.cells, this.slot);
    while (Atomics.load(this.cells, STATE) === STATE_RUNNING) Atomics.wait(this.cells, STATE, STATE_RUNNING, 100);
  }
}

/** @internal `sha256:` and the SHA-256 of a file's bytes, read in chunks of a mebibyte. */
export function fileFingerprint(path: string): string {
  const hash = createHash("sha256");
  const fd = openSync(path, "r");
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) hash.update(buf.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return `sha256:${hash.digest("hex")}`;
}

/** @internal Writes `bytes` to `path`; returns the file's size and fingerprint. */
export function writeBytes(path: string, bytes: Uint8Array): FileFingerprint {
  let fd: number;
  try {
    fd = openSync(path, "w");
  } catch (e) {
    throw writeError(path, e);
  }
  try {
    writeAll(fd, bytes);
  } catch (e) {
    throw writeError(path, e);
  } finally {
    closeSync(fd);
  }
  return { bytes: bytes.length, fingerprint: `sha256:${createHash("sha256").update(bytes).digest("hex")}` };
}
