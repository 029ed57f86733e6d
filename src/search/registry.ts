/**
 * Samplers by the name a sweep config's `method` uses. A new sampler is one file plus one entry here;
 * the map is checked against the config's `Method` list so the two cannot drift apart.
 */
import type { Method, ResolvedSweep } from '../config/types.js';
import { GridSampler } from './grid.js';
import { RandomSampler } from './random.js';
import { TPESampler } from './tpe/sampler.js';
import type { Sampler } from './types.js';

export const SAMPLERS = {
  grid: (): Sampler => new GridSampler(),
  random: (): Sampler => new RandomSampler(),
  bayes: (): Sampler => new TPESampler(),
} as const satisfies Record<Method, () => Sampler>;

export type SamplerName = keyof typeof SAMPLERS;

export function createSampler(sweep: ResolvedSweep): Sampler {
  return SAMPLERS[sweep.method]();
}
