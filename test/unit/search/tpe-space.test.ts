/** How W&B distributions map into TPE's space (src/search/tpe/space.ts). */
import type { ParamSpec } from '../../../src/core/params.js';
import { betaCdf } from '../../../src/core/special.js';
import { ppf } from '../../../src/search/distributions.js';
import { buildSpace } from '../../../src/search/tpe/space.js';
import type { Dimension } from '../../../src/search/tpe/space.js';
import { makeSweep } from '../../helpers/sweeps.js';
import type { SpecBody } from '../../helpers/sweeps.js';

function entry(body: SpecBody): { dim?: Dimension; fixed?: unknown } {
  const space = buildSpace(makeSweep({ parameters: { p: body } }).parameters);
  const e = space.entries[0]!;
  return 'dim' in e ? { dim: e.dim } : { fixed: e.fixed.value };
}
const dimOf = (body: SpecBody): Dimension => entry(body).dim!;

describe('TPE space mapping', () => {
  it('uniform → float; log forms → log float on the right bounds (v1 forms take exponents)', () => {
    expect(dimOf({ distribution: 'uniform', min: -1, max: 2 }).model).toEqual({ kind: 'numeric', low: -1, high: 2, step: 0, log: false });
    expect(dimOf({ distribution: 'log_uniform_values', min: 1e-4, max: 0.1 }).model).toEqual({ kind: 'numeric', low: 1e-4, high: 0.1, step: 0, log: true });
    expect(dimOf({ distribution: 'inv_log_uniform_values', min: 0.01, max: 10 }).model).toEqual({ kind: 'numeric', low: 0.01, high: 10, step: 0, log: true });
    expect(dimOf({ distribution: 'log_uniform', min: -3, max: 1 }).model).toEqual({ kind: 'numeric', low: Math.exp(-3), high: Math.exp(1), step: 0, log: true });
    expect(dimOf({ distribution: 'inv_log_uniform', min: 0, max: 3 }).model).toEqual({ kind: 'numeric', low: Math.exp(-3), high: 1, step: 0, log: true });
  });

  it('int_uniform → step 1; q_uniform → the multiples of q inside [min, max], int output when q is', () => {
    const d = dimOf({ distribution: 'int_uniform', min: -2, max: 3 });
    expect(d.model).toEqual({ kind: 'numeric', low: -2, high: 3, step: 1, log: false });
    expect([d.toInternal(2), d.toInternal(2.0), d.toInternal(4), d.toInternal(1.5), d.toInternal('2')]).toEqual([2, 2, NaN, NaN, NaN]);
    const q = dimOf({ distribution: 'q_uniform', min: 0.3, max: 2.7, q: 1, qIsInt: true });
    expect(q.model).toEqual({ kind: 'numeric', low: 1, high: 2, step: 1, log: false });
    // W&B's random search rounds to 0 or 3 here (outside [min, max]): snapped into the space
    expect([q.toInternal(0), q.toInternal(3), q.toInternal(4), q.toInternal(1.5)]).toEqual([1, 2, NaN, NaN]);
    expect(q.toExternal(2)).toBe(2);
    const qf = dimOf({ distribution: 'q_uniform', min: 0, max: 1, q: 0.25, qIsInt: false });
    expect(qf.model).toEqual({ kind: 'numeric', low: 0, high: 1, step: 0.25, log: false });
    expect(qf.toInternal(0.75)).toBe(0.75);
    // a single multiple inside the range is a fixed value, not a dimension
    expect(entry({ distribution: 'q_uniform', min: 0.6, max: 1.4, q: 1, qIsInt: true }).fixed).toBe(1);
  });

  it('q_log_uniform forms → log float on the continuous range, quantized on output', () => {
    const d = dimOf({ distribution: 'q_log_uniform_values', min: 2, max: 512, q: 2, qIsInt: true });
    expect(d.model).toEqual({ kind: 'numeric', low: 2, high: 512, step: 0, log: true });
    expect(d.toExternal(37.2)).toBe(38);
    expect(d.toInternal(513)).toBe(512); // rounding noise past the bound: clipped
    expect(d.toInternal(0)).toBeNaN(); // no value of [2, 512] rounds to 0
    // but with min < q/2 W&B's rounding does give 0: the bottom of the range
    expect(dimOf({ distribution: 'q_log_uniform_values', min: 0.5, max: 512, q: 2, qIsInt: true }).toInternal(0)).toBe(0.5);
  });

  it('categoricals → index; weighted ones over the values with positive probability', () => {
    const d = dimOf({ distribution: 'categorical', values: ['adam', 3, true, null, { a: [1] }] });
    expect(d.model).toEqual({ kind: 'categorical', nChoices: 5 });
    expect([d.toInternal('adam'), d.toInternal(3.0), d.toInternal(true), d.toInternal(null), d.toInternal({ a: [1] }), d.toInternal('x'), d.toInternal(1)]).toEqual([0, 1, 2, 3, 4, NaN, NaN]);
    expect(d.toExternal(4)).toEqual({ a: [1] });
    const w = dimOf({ distribution: 'categorical_w_probabilities', values: ['a', 'b', 'c'], probabilities: [0.2, 0, 0.8] });
    expect(w.model).toEqual({ kind: 'categorical', nChoices: 2 });
    expect([w.toInternal('a'), w.toInternal('b'), w.toInternal('c')]).toEqual([0, NaN, 1]);
    expect(entry({ distribution: 'categorical', values: ['only'] }).fixed).toBe('only');
  });

  it('normal, log-normal and beta → their quantile u on [0,1]: CDF in, ppf out', () => {
    const n = dimOf({ distribution: 'normal', mu: 1, sigma: 2 });
    expect(n.model).toEqual({ kind: 'numeric', low: 0, high: 1, step: 0, log: false });
    expect(n.toInternal(1)).toBeCloseTo(0.5, 15);
    expect(n.toInternal(3)).toBeCloseTo(0.8413447460685429, 14);
    expect(n.toExternal(0.5)).toBeCloseTo(1, 12);
    const spec = makeSweep({ parameters: { p: { distribution: 'q_log_normal', mu: 2, sigma: 0.5, q: 1, qIsInt: true } } }).parameters[0] as ParamSpec;
    const ln = dimOf({ distribution: 'q_log_normal', mu: 2, sigma: 0.5, q: 1, qIsInt: true });
    expect(ln.toExternal(0.3)).toBe(ppf(spec, 0.3));
    expect(ln.toInternal(0)).toBe(0); // a quantized value of 0 is the bottom of the support
    expect(ln.toInternal(-1)).toBeNaN();
    expect(ln.toInternal(-0.4)).toBe(0); // within q/2 of the support: rounding noise
    const b = dimOf({ distribution: 'beta', a: 0.5, b: 2 });
    expect(b.toInternal(0.1)).toBeCloseTo(betaCdf(0.1, 0.5, 2), 15);
    expect(b.toInternal(1.2)).toBeNaN();
    // extreme quantiles are kept off 0 and 1, where the normal ppf is infinite
    expect(Number.isFinite(n.toExternal(0) as number)).toBe(true);
    expect(entry({ distribution: 'normal', mu: 4, sigma: 0 }).fixed).toBe(4);
  });

  it('constants are emitted as is and are not dimensions', () => {
    const space = buildSpace(makeSweep({ parameters: { a: { distribution: 'constant', value: { k: 1 } }, b: { distribution: 'uniform', min: 0, max: 1 } } }).parameters);
    expect(space.dims.map((d) => d.spec.name)).toEqual(['b']);
    expect(space.entries[0]).toEqual({ fixed: expect.objectContaining({ value: { k: 1 } }) });
  });

  it('values outside the space map to NaN (the trial does not hold the parameter)', () => {
    const d = dimOf({ distribution: 'uniform', min: 0, max: 1 });
    expect([d.toInternal(1.5), d.toInternal(undefined), d.toInternal('0.5'), d.toInternal(NaN), d.toInternal(1 + 1e-12)]).toEqual([NaN, NaN, NaN, NaN, 1]);
  });
});
