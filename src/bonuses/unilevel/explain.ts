/**
 * Explaining unilevel level commissions for one member: the shared level explanation (../levels-explain.ts)
 * on each member's own volume of the bonus's measure, listing the sources' orders.
 */
import type { BonusExplanation, ExplainContext } from "../../audit/explanation.js";
import type { CompileContext } from "../family.js";
import { levelExplainer } from "../levels-explain.js";
import type { UnilevelConfig } from "./unilevel.js";

/** @internal Builds the `explain` method of a compiled unilevel bonus from its plan entry. */
export function unilevelExplainer(config: UnilevelConfig, cc: CompileContext): (ctx: ExplainContext, member: number) => BonusExplanation {
  const measure = cc.measureIndex(config.measure);
  return levelExplainer(
    {
      schedule: config.schedule,
      dynamic: config.compression === "dynamic",
      unqualifiedPays: config.unqualifiedVolumePays,
      baseName: config.measure,
      tree: config.tree ?? "sponsor",
      basePreorder: (_ctx, preorder) => preorder.personal(measure),
      ordersMeasure: measure,
      perSource: config.lines === "per-source",
    },
    cc,
  );
}
