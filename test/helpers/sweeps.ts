/** Build {@link ResolvedSweep} objects directly in tests, without going through the config module. */
import type { ResolvedSweep } from '../../src/config/types.js';
import type { ParamSpec } from '../../src/core/params.js';
import type { TrialRecord, TrialState } from '../../src/core/trial.js';

/** A spec without its name/path: the key of {@link SweepInit.parameters} supplies them. */
export type SpecBody = ParamSpec extends infer S ? (S extends ParamSpec ? Omit<S, 'name' | 'path'> : never) : never;

export interface SweepInit extends Partial<Omit<ResolvedSweep, 'parameters'>> {
  /** Keyed by dotted name (`optimizer.lr` is `lr` nested in the group `optimizer`). */
  readonly parameters: Readonly<Record<string, SpecBody>>;
  /** Keep the insertion order instead of W&B's (names sorted at each level, depth first). */
  readonly keepOrder?: boolean;
}

function comparePaths(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  }
  return a.length - b.length;
}

export function makeSweep(init: SweepInit): ResolvedSweep {
  const { parameters, keepOrder, ...rest } = init;
  const specs = Object.entries(parameters).map(([name, body]) => ({ ...body, name, path: name.split('.') }) as ParamSpec);
  if (keepOrder !== true) specs.sort((a, b) => comparePaths(a.path, b.path));
  return {
    source: 'test-sweep.yaml',
    method: 'random',
    metric: { name: 'loss', goal: 'minimize' },
    raw: {},
    ...rest,
    parameters: specs,
  };
}

/** A trial record with sensible defaults. */
export function makeTrial(number: number, params: TrialRecord['params'], state: TrialState = 'finished', metricHistory: readonly number[] = []): TrialRecord {
  return { number, params, state, metricHistory };
}
