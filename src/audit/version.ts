/** The engine's version, written into every run bundle. A test keeps it equal to package.json's version. */

/**
 * The version of compplan that computes runs: the `version` of package.json. A run bundle records it so an
 * auditor knows which engine produced a run; replay reports a note when it differs from the engine replaying.
 *
 * @example
 * ```ts
 * bundle.engine.version === ENGINE_VERSION; // replayed with the same engine
 * ```
 */
export const ENGINE_VERSION = "0.1.0";
