/**
 * Random search, as W&B does it (wandb/sweeps `random_search.py`, semantics only; reference §2.2):
 * every parameter is drawn independently through its inverse CDF; no dedupe, never exhausted.
 *
 * The generator is derived from (seed, 'random', trialNumber) alone, so a suggestion is a pure
 * function of the seed and the trial number: any process, any restart, the same point.
 */
import type { FlatParams, ParamSpec, ParamValue } from '../core/params.js';
import { Rng } from '../core/rng.js';
import { sample } from './distributions.js';
import { suggestionSeed, type Sampler, type SearchContext, type Suggestion } from './types.js';

/** One independent draw of every parameter, in the given (sweep) order; constants included. */
export function sampleParams(specs: readonly ParamSpec[], rng: Rng): FlatParams {
  const params: Record<string, ParamValue> = {};
  for (const spec of specs) params[spec.name] = sample(spec, rng);
  return params;
}

export class RandomSampler implements Sampler {
  suggest(ctx: SearchContext): Suggestion {
    const rng = new Rng(...suggestionSeed(ctx, 'random'));
    return { params: sampleParams(ctx.sweep.parameters, rng), info: { sampler: 'random' } };
  }
}
