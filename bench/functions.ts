/**
 * Standard test functions for optimiser benchmarks (minimise).
 *
 * Sources: Dixon & Szegő (eds.), "Towards Global Optimisation 2" (1978) for both functions;
 * constants as tabulated by Surjanovic & Bingham, "Virtual Library of Simulation Experiments"
 * (sfu.ca/~ssurjano: branin.html, hart6.html).
 */

export interface TestFunction {
  readonly name: string;
  /** Box bounds per coordinate. */
  readonly bounds: ReadonlyArray<readonly [number, number]>;
  /** Known global minimum value. */
  readonly optimum: number;
  readonly f: (x: readonly number[]) => number;
}

/** Branin–Hoo on x1 ∈ [−5, 10], x2 ∈ [0, 15]; three global minima, f* = 0.397887. */
export const branin: TestFunction = {
  name: 'branin',
  bounds: [
    [-5, 10],
    [0, 15],
  ],
  optimum: 0.397887,
  f: ([x1, x2]) => {
    const a = 1;
    const b = 5.1 / (4 * Math.PI * Math.PI);
    const c = 5 / Math.PI;
    const r = 6;
    const s = 10;
    const t = 1 / (8 * Math.PI);
    const u = x2! - b * x1! * x1! + c * x1! - r;
    return a * u * u + s * (1 - t) * Math.cos(x1!) + s;
  },
};

const H_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((row) => row.map((v) => v * 1e-4));

/** Hartmann 6-D on [0, 1]^6; f* = −3.32237 at (0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573). */
export const hartmann6: TestFunction = {
  name: 'hartmann6',
  bounds: Array.from({ length: 6 }, () => [0, 1] as const),
  optimum: -3.32237,
  f: (x) => {
    let outer = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) {
        const d = x[j]! - H_P[i]![j]!;
        inner += H_A[i]![j]! * d * d;
      }
      outer += H_ALPHA[i]! * Math.exp(-inner);
    }
    return -outer;
  },
};
