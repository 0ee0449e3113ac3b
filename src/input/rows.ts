/** Validated input rows, as the engine consumes them. File readers attach `file` and `line`. */
import type { MemberStatus } from "../genealogy/genealogy.js";
import type { OrderKind } from "../plan/fields.js";

/** A validated member row. `sponsorId` is null for the root. */
export interface MemberRow {
  readonly id: string;
  readonly sponsorId: string | null;
  readonly joinDate: string;
  readonly status: MemberStatus;
  readonly file?: string;
  readonly line?: number;
}

/** A validated order row. Volumes are integers in units of 10^-4, keyed by measure name. */
export interface OrderRow {
  readonly id: string;
  readonly memberId: string;
  readonly kind: OrderKind;
  readonly date: string;
  readonly volumes: ReadonlyMap<string, number>;
  readonly file?: string;
  readonly line?: number;
}

/** Where a raw record came from, for error messages. */
export interface RecordOrigin {
  readonly file?: string;
  readonly line?: number;
}
