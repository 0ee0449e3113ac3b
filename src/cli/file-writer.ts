/** Buffered file output for the CLI. */
import { type Hash, createHash } from "node:crypto";
import { closeSync, openSync, writeSync } from "node:fs";
import { assert } from "../errors/issues.js";

/**
 * @internal Buffered file output: each string is encoded straight into a reused 4 MiB buffer, so the
 * millions of small strings of a large run die young instead of piling up in a long string.
 */
export class FileWriter {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(4 << 20);
  private used = 0;
  private readonly hash: Hash | undefined;

  /** @param sha256 - also hash the bytes written, for {@link FileWriter.fingerprint} */
  constructor(path: string, sha256 = false) {
    this.fd = openSync(path, "w");
    this.hash = sha256 ? createHash("sha256") : undefined;
  }

  write(text: string): void {
    // A UTF-16 code unit encodes to at most 3 UTF-8 bytes.
    if (this.used + text.length * 3 > this.buffer.length) {
      this.flush();
      if (text.length * 3 > this.buffer.length) {
        this.hash?.update(text, "utf8");
        writeSync(this.fd, text);
        return;
      }
    }
    this.used += this.buffer.write(text, this.used, "utf8");
  }

  flush(): void {
    this.hash?.update(this.buffer.subarray(0, this.used));
    let done = 0;
    while (done < this.used) done += writeSync(this.fd, this.buffer, done, this.used - done);
    this.used = 0;
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

/** Writes text pieces to a file through a {@link FileWriter}. */
export function writeText(path: string, pieces: Iterable<string>): void {
  const out = new FileWriter(path);
  try {
    for (const p of pieces) out.write(p);
  } finally {
    out.close();
  }
}
