/**
 * A line item's fields, rendered by one generic path from what each family declares. Every line has the
 * engine's fields (`amount`, `base` and `rate` unless the line is a fixed amount, `bonus`, `kind`,
 * `reference` when the bonus cites one, `value`); a family adds its detail fields ({@link LineField}),
 * each read from one column of the line sink. The statement writer, the statement objects, the CSV export
 * and explain's line check all go through this module, so a new family edits none of them.
 */
import type { CompiledBonus, LineField } from "../bonuses/family.js";
import { assert } from "../errors/issues.js";
import type { TextList } from "../input/text-list.js";
import type { LineFieldValue } from "../statement/types.js";
import { RATE_SCALE, VALUE_SCALE, VOLUME_SCALE, formatFixed, formatRate, formatTrimmed, formatVolume } from "../money/decimal.js";
import type { ByteWriter } from "./bytes.js";
import { utf8 } from "./bytes.js";
import { LINE_COMPRESSED, LINE_FIXED, type LineSink } from "./lines.js";


/** @internal The ids a line's detail fields name: members (`source`) and orders (`order`), by index. */
export interface LineIds {
  readonly members: TextList;
  readonly orders: TextList;
}

/** @internal The value of detail field `field` on line l, or undefined when absent on that line. */
export function lineFieldValue(sink: LineSink, l: number, field: LineField, ids: LineIds): LineFieldValue | undefined {
  switch (field.column) {
    case "level":
      return sink.level[l] as number;
    case "sources":
      return sink.sources[l] as number;
    case "compressed":
      return ((sink.flags[l] as number) & LINE_COMPRESSED) !== 0;
    case "source": {
      const m = sink.source[l] as number;
      return m >= 0 ? (ids.members.at(m) as string) : undefined;
    }
    case "order": {
      const o = sink.order[l] as number;
      return o >= 0 ? (ids.orders.at(o) as string) : undefined;
    }
  }
}

/** @internal Line l's detail fields as an object (absent ones left out). */
export function lineDetails(sink: LineSink, l: number, fields: readonly LineField[], ids: LineIds): Record<string, LineFieldValue> {
  const out: Record<string, LineFieldValue> = {};
  for (const f of fields) {
    const v = lineFieldValue(sink, l, f, ids);
    if (v !== undefined) out[f.name] = v;
  }
  return out;
}

/**
 * @internal Line l as its statement fields (the detail fields, then `base`/`rate` unless fixed, `value`,
 * `amount` and `reference`): `amountUnits` is its rounded amount when the plan rounds per line.
 */
export function lineItemFields(sink: LineSink, l: number, bonus: CompiledBonus, ids: LineIds, moneyScale: number, amountUnits: number | undefined): Record<string, LineFieldValue> {
  const value = formatTrimmed(BigInt(sink.base[l] as number) * BigInt(sink.rate[l] as number), VALUE_SCALE, moneyScale);
  return {
    bonus: bonus.key,
    kind: bonus.kind,
    ...lineDetails(sink, l, bonus.lineFields, ids),
    ...(((sink.flags[l] as number) & LINE_FIXED) === 0 ? { base: formatVolume(sink.base[l] as number), rate: formatRate(sink.rate[l] as number) } : {}),
    value,
    amount: amountUnits === undefined ? value : formatFixed(BigInt(amountUnits), moneyScale),
    ...(bonus.reference !== undefined ? { reference: bonus.reference } : {}),
  };
}

/** What a step of a line template writes after its constant bytes (a detail field: by the column it reads). */
const enum Write {
  Nothing,
  Amount,
  Base,
  Rate,
  Value,
  Level,
  Sources,
  Compressed,
  Source,
  Order,
}

const FIELD_WRITE: Readonly<Record<LineField["column"], Write>> = { level: Write.Level, sources: Write.Sources, compressed: Write.Compressed, source: Write.Source, order: Write.Order };

/** One step of a line template: constant bytes, then (unless absent on the line) one value. All steps have one shape. */
interface Step {
  readonly bytes: Uint8Array;
  readonly write: Write;
}

/**
 * @internal A bonus's line item as canonical JSON (keys sorted), compiled once into steps: runs of
 * constant text (`"bonus":…,"kind":…` and each key) between the values that vary per line.
 */
export class LineTemplate {
  private readonly steps: Step[] = [];

  constructor(bonus: CompiledBonus) {
    type Key = { name: string; constant?: string; write?: Write; optional: boolean };
    const q = JSON.stringify;
    const keys: Key[] = [
      { name: "amount", write: Write.Amount, optional: false },
      { name: "base", write: Write.Base, optional: true },
      { name: "bonus", constant: q(bonus.key), optional: false },
      { name: "kind", constant: q(bonus.kind), optional: false },
      { name: "rate", write: Write.Rate, optional: true },
      { name: "value", write: Write.Value, optional: false },
      ...(bonus.reference !== undefined ? [{ name: "reference", constant: q(bonus.reference), optional: false }] : []),
      ...bonus.lineFields.map((f) => ({ name: f.name, write: FIELD_WRITE[f.column], optional: f.column === "source" || f.column === "order" })),
    ];
    keys.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    assert(keys[0]?.name === "amount" && new Set(keys.map((k) => k.name)).size === keys.length, "line-field-names", `bonus ${bonus.key}: detail fields must sort after "amount" and not repeat a line field`);
    let pending = "{";
    for (const k of keys) {
      const key = `${pending === "{" ? "" : ","}${q(k.name)}:`;
      if (k.constant !== undefined) {
        pending += key + k.constant;
        continue;
      }
      // String values open their quote in the constant part; the writer closes it.
      const open = (k.write as Write) >= Write.Level ? "" : '"';
      if (k.optional) {
        if (pending !== "") this.steps.push({ bytes: utf8(pending), write: Write.Nothing });
        this.steps.push({ bytes: utf8(key + open), write: k.write as Write });
      } else this.steps.push({ bytes: utf8(pending + key + open), write: k.write as Write });
      pending = "";
    }
    this.steps.push({ bytes: utf8(`${pending}}`), write: Write.Nothing });
  }

  /**
   * Writes line l as canonical JSON: `amountUnits` is its rounded amount when the plan rounds per line
   * (undefined: the amount is the exact value).
   */
  write(w: ByteWriter, sink: LineSink, l: number, ids: LineIds, moneyScale: number, amountUnits: number | undefined): void {
    const base = sink.base[l] as number;
    const rate = sink.rate[l] as number;
    const fixed = ((sink.flags[l] as number) & LINE_FIXED) !== 0;
    const product = base * rate;
    // The exact value; its text is made only beyond the safe range.
    const valueText = Math.abs(product) <= Number.MAX_SAFE_INTEGER ? undefined : formatTrimmed(BigInt(base) * BigInt(rate), VALUE_SCALE, moneyScale);
    const steps = this.steps;
    for (let k = 0; k < steps.length; k++) {
      const step = steps[k] as Step;
      switch (step.write) {
        case Write.Nothing:
          w.bytes(step.bytes);
          break;
        case Write.Amount:
          w.bytes(step.bytes);
          if (amountUnits !== undefined) w.units(amountUnits, moneyScale, moneyScale);
          else writeValue(w, product, valueText, moneyScale);
          w.byte(QUOTE);
          break;
        case Write.Value:
          w.bytes(step.bytes);
          writeValue(w, product, valueText, moneyScale);
          w.byte(QUOTE);
          break;
        case Write.Base:
          if (fixed) break;
          w.bytes(step.bytes);
          w.units(base, VOLUME_SCALE, 0);
          w.byte(QUOTE);
          break;
        case Write.Rate:
          if (fixed) break;
          w.bytes(step.bytes);
          w.units(rate, RATE_SCALE, 0);
          w.byte(QUOTE);
          break;
        case Write.Level:
          w.bytes(step.bytes);
          w.uint(sink.level[l] as number);
          break;
        case Write.Sources:
          w.bytes(step.bytes);
          w.uint(sink.sources[l] as number);
          break;
        case Write.Compressed:
          w.bytes(step.bytes);
          w.bytes(((sink.flags[l] as number) & LINE_COMPRESSED) !== 0 ? TRUE : FALSE);
          break;
        case Write.Source: {
          const m = sink.source[l] as number;
          if (m < 0) break;
          w.bytes(step.bytes);
          w.json(ids.members.at(m) as string);
          break;
        }
        case Write.Order: {
          const o = sink.order[l] as number;
          if (o < 0) break;
          w.bytes(step.bytes);
          w.json(ids.orders.at(o) as string);
          break;
        }
      }
    }
  }
}

function writeValue(w: ByteWriter, product: number, text: string | undefined, scale: number): void {
  if (text === undefined) w.units(product, VALUE_SCALE, scale);
  else w.ascii(text);
}

const QUOTE = 34;
const TRUE = utf8("true");
const FALSE = utf8("false");
