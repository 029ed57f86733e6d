/**
 * Early-stop rules by `early_terminate.type`. A new rule is one file plus one entry here; the allowed
 * names come from the map's keys (registries typed from their maps, as Vitest does for reporters).
 */
import { ConfigError } from '../core/errors.js';
import type { ResolvedSweep } from '../config/types.js';
import { HyperbandRule } from './hyperband.js';
import type { EarlyStopRule } from './types.js';

type EarlyTerminateSpec = NonNullable<ResolvedSweep['earlyTerminate']>;
type SpecOf<K extends EarlyTerminateSpec['type']> = Extract<EarlyTerminateSpec, { type: K }>;
type RuleFactory<K extends EarlyTerminateSpec['type']> = (spec: SpecOf<K>, sweep: ResolvedSweep) => EarlyStopRule;

export const EARLY_STOP_RULES = {
  // W&B checks for a metric before anything else; createEarlyStop does the same.
  hyperband: (spec, sweep) => new HyperbandRule(spec, sweep.metric?.goal ?? 'minimize', sweep.source),
} as const satisfies { readonly [K in EarlyTerminateSpec['type']]: RuleFactory<K> };

export type EarlyStopType = keyof typeof EARLY_STOP_RULES;
export const EARLY_STOP_TYPES = Object.keys(EARLY_STOP_RULES) as EarlyStopType[];

/** The sweep's early-stop rule, or undefined when it has no `early_terminate`. Throws ConfigError on a bad spec. */
export function createEarlyStop(sweep: ResolvedSweep): EarlyStopRule | undefined {
  const spec = sweep.earlyTerminate;
  if (spec === undefined) return undefined;
  const type: string = spec.type;
  if (!Object.hasOwn(EARLY_STOP_RULES, type)) {
    throw new ConfigError(sweep.source, [
      { path: 'early_terminate.type', message: `unknown early-stop rule; valid: ${EARLY_STOP_TYPES.join(', ')}`, value: type },
    ]);
  }
  if (sweep.metric === undefined) {
    throw new ConfigError(sweep.source, [
      { path: 'metric', message: `early_terminate (${type}) needs a metric to compare trials; add metric: {name: ..., goal: minimize|maximize}` },
    ]);
  }
  return EARLY_STOP_RULES[spec.type](spec, sweep);
}
