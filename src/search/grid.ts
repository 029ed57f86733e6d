/**
 * Grid search, as W&B does it (wandb/sweeps `grid_search.py` and `params.py`, semantics only;
 * reference §2.1):
 *  - parameters in sweep order (flattened, names sorted at each level), `itertools.product` order
 *    with the LAST parameter varying fastest;
 *  - categorical values in written order, duplicates (by canonical hash) collapsed;
 *    int_uniform → min..max inclusive; q_uniform → min + k·q strictly below max (W&B uses numpy
 *    `arange(min, max, q)`, whose float error can add a point AT max, e.g. 0.1..0.4 step 0.1; we
 *    exclude max always, as documented), NOT rounded to multiples of q;
 *    constants are emitted but not enumerated;
 *  - a point is taken if ANY existing trial, whatever its state, has the same canonical values
 *    (3.0 ≡ 3, true ≠ 1); a trial missing a grid parameter covers no point (W&B's behaviour);
 *  - the first product point not taken is suggested; none left ⇒ null (the sweep ends).
 *
 * The product is never materialised: a point is decoded from its mixed-radix index.
 */
import { ConfigError } from '../core/errors.js';
import { canonicalParams, canonicalValue } from '../core/params.js';
import type { FlatParams, ParamSpec, ParamValue } from '../core/params.js';
import type { ResolvedSweep } from '../config/types.js';
import type { Sampler, SearchContext, Suggestion } from './types.js';

/** One enumerated parameter: `size` values, the i-th given by `at(i)`. */
interface Axis {
  readonly name: string;
  readonly size: number;
  at(i: number): ParamValue;
}

interface Grid {
  /** Enumerated parameters in sweep order; constants are not axes. */
  readonly axes: readonly Axis[];
  readonly size: number;
}

function configPath(spec: ParamSpec): string {
  return `parameters.${spec.path.join('.parameters.')}`;
}

function axisFor(sweep: ResolvedSweep, spec: ParamSpec): Axis | undefined {
  switch (spec.distribution) {
    case 'constant':
      return undefined;
    case 'categorical': {
      // W&B keeps the first position of each hash but looks the value up in a dict built from all of
      // them, so the last written form of a duplicate is the one emitted.
      const index = new Map<string, number>();
      const values: ParamValue[] = [];
      for (const v of spec.values) {
        const key = canonicalValue(v);
        const at = index.get(key);
        if (at === undefined) {
          index.set(key, values.length);
          values.push(v);
        } else values[at] = v;
      }
      return { name: spec.name, size: values.length, at: (i) => values[i]! };
    }
    case 'int_uniform': {
      const { min } = spec;
      return { name: spec.name, size: spec.max - spec.min + 1, at: (i) => min + i };
    }
    case 'q_uniform': {
      const { min, q } = spec;
      // ⌈(max − min)/q⌉ points, less a relative 1e-9 so that a quotient such as 3.0000000000000004
      // does not add a point at max; values are min + k·q computed directly (no accumulated error)
      // and cut to 12 significant digits so 0.1·3 reads 0.3, not 0.30000000000000004.
      const size = Math.max(0, Math.ceil((spec.max - min) / q - 1e-9));
      if (!Number.isFinite(size) || !(q > 0)) {
        throw new ConfigError(sweep.source, [
          { path: `${configPath(spec)}.q`, message: 'grid search needs a positive q smaller than max - min', value: q },
        ]);
      }
      return { name: spec.name, size, at: (i) => Number((min + i * q).toPrecision(12)) };
    }
    default:
      throw new ConfigError(sweep.source, [
        {
          path: `${configPath(spec)}.distribution`,
          message: 'not allowed with grid search; use values (categorical), int_uniform, q_uniform or value (constant), or method: random/bayes',
          value: spec.distribution,
        },
      ]);
  }
}

function buildGrid(sweep: ResolvedSweep): Grid {
  const axes: Axis[] = [];
  let size = 1;
  for (const spec of sweep.parameters) {
    const axis = axisFor(sweep, spec);
    if (axis === undefined) continue;
    axes.push(axis);
    size *= axis.size;
  }
  return { axes, size };
}

/** Values of the enumerated parameters at a product index (last axis fastest). */
function decode(grid: Grid, index: number): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = {};
  let rest = index;
  for (let k = grid.axes.length - 1; k >= 0; k--) {
    const axis = grid.axes[k]!;
    out[axis.name] = axis.at(rest % axis.size);
    rest = Math.floor(rest / axis.size);
  }
  return out;
}

/** Full assignment (constants included) in sweep order. */
function fullPoint(sweep: ResolvedSweep, grid: Grid, index: number): FlatParams {
  const enumerated = decode(grid, index);
  const params: Record<string, ParamValue> = {};
  for (const spec of sweep.parameters) {
    params[spec.name] = spec.distribution === 'constant' ? spec.value : enumerated[spec.name]!;
  }
  return params;
}

/** Number of points in the grid (1 when every parameter is a constant; 0 if an axis is empty). */
export function gridSize(sweep: ResolvedSweep): number {
  return buildGrid(sweep).size;
}

/** The point at `index` in product order (0 ≤ index < gridSize), constants included. */
export function gridPoint(sweep: ResolvedSweep, index: number): FlatParams {
  const grid = buildGrid(sweep);
  if (!Number.isInteger(index) || index < 0 || index >= grid.size) {
    throw new RangeError(`grid index ${index} out of range [0, ${grid.size})`);
  }
  return fullPoint(sweep, grid, index);
}

export class GridSampler implements Sampler {
  suggest(ctx: SearchContext): Suggestion | null {
    const grid = buildGrid(ctx.sweep);
    const names = grid.axes.map((a) => a.name);
    const taken = new Set<string>();
    for (const trial of ctx.trials) taken.add(canonicalParams(trial.params, names));
    for (let index = 0; index < grid.size; index++) {
      if (taken.has(canonicalParams(decode(grid, index), names))) continue;
      return {
        params: fullPoint(ctx.sweep, grid, index),
        info: { sampler: 'grid', gridIndex: index, gridSize: grid.size },
      };
    }
    return null;
  }
}
