/**
 * A sweep config after validation and resolution: frozen, every default filled, every distribution
 * explicit. The rest of the code receives this and never re-checks (validate once, at the boundary).
 */
import type { ParamSpec } from '../core/params.js';
import type { Goal } from '../core/trial.js';

export const METHODS = ['grid', 'random', 'bayes'] as const;
export type Method = (typeof METHODS)[number];

export interface MetricSpec {
  readonly name: string;
  /** W&B default: minimize. */
  readonly goal: Goal;
  /** Once any trial reaches it, no new trials are started. */
  readonly target?: number;
  /** W&B `impute` (filled: worst): the value bayes uses for failed/crashed/stopped runs. */
  readonly impute?: ImputeStrategy;
  /** W&B `impute_while_running` (filled: 'false'): if set, bayes treats running runs as observed this way. */
  readonly imputeWhileRunning?: ImputeStrategy | 'false';
}

export type ImputeStrategy = 'latest' | 'best' | 'worst';

/** `early_terminate: {type: hyperband, ...}` as written, defaults filled (W&B semantics). */
export interface HyperbandSpec {
  readonly type: 'hyperband';
  readonly minIter?: number;
  readonly maxIter?: number;
  readonly s?: number;
  /** Default 3; must be > 1. */
  readonly eta: number;
  /** Default true (W&B code default since sweeps#108). */
  readonly strict: boolean;
}

export interface ResolvedSweep {
  /** Where the config came from (file path), for messages. */
  readonly source: string;
  readonly method: Method;
  readonly metric?: MetricSpec;
  /** Flattened parameters in W&B order: names sorted at each nesting level, depth first. */
  readonly parameters: readonly ParamSpec[];
  readonly earlyTerminate?: HyperbandSpec;
  readonly runCap?: number;
  readonly program?: string;
  /** argv template with W&B macros; undefined means W&B's default. */
  readonly command?: readonly string[];
  readonly name?: string;
  readonly description?: string;
  readonly project?: string;
  readonly entity?: string;
  /** The document as written, as plain JSON (numbers lose int/float), kept with the sweep. */
  readonly raw: Readonly<Record<string, unknown>>;
}
