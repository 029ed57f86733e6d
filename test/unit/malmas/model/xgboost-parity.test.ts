import { fitGbdt } from '../../../../src/malmas/model/gbdt.js';
import type { Objective } from '../../../../src/malmas/model/types.js';

/*
 * Parity with XGBoost 1.7.4 `hist` (Debian python3-xgboost) on data where both must build the same
 * trees: every feature has < 256 distinct values (so XGBoost's cuts are exact too) and 12% of the
 * values are missing (so the learned default directions matter). The expected predictions were
 * computed once with
 *   XGBRegressor(objective=…, tree_method='hist', n_estimators=10, max_depth=3, learning_rate=0.3,
 *                max_bin=256, n_jobs=1, base_score=0.5).fit(X, t).predict(Xt)
 * on the data of make(400, 12345) / make(30, 777) below, re-implemented in Python with the same
 * MINSTD generator. XGBoost works in float32, hence the 1e-5 tolerance.
 */
const XGBOOST = {
  binary: [
    0.9745398163795471, 0.9298869967460632, 0.9745398163795471, 0.9298869967460632, 0.49054333567619324, 0.9659168124198914, 0.9688758850097656,
    0.8001348972320557, 0.934771716594696, 0.9657176733016968, 0.843413233757019, 0.9640748500823975, 0.051377106457948685, 0.10520157963037491,
    0.9745398163795471, 0.9745398163795471, 0.9659168124198914, 0.22750914096832275, 0.9745398163795471, 0.03759675472974777, 0.04354598745703697,
    0.9719396233558655, 0.04709595441818237, 0.27765539288520813, 0.04354598745703697, 0.08601037412881851, 0.8932766914367676, 0.031107040122151375,
    0.9745398163795471, 0.7961444854736328,
  ],
  squared: [
    0.9153661131858826, 0.2987879812717438, 1.2871649265289307, 0.2987879812717438, 0.11319654434919357, 0.3150210380554199, 1.2871649265289307,
    0.355288028717041, 0.3101387619972229, 0.4092952311038971, 0.274711012840271, 0.4379141926765442, -0.1938830316066742, -0.046252354979515076,
    0.6575283408164978, 1.0911800861358643, 0.4379141926765442, -0.0027367351576685905, 1.1164493560791016, -0.21573519706726074, -0.36908793449401855,
    0.6393567323684692, -0.2735828459262848, 0.06968092173337936, -0.42474448680877686, -0.1851021647453308, 0.2915017306804657, -0.4338718056678772,
    0.9232519865036011, 0.2577817738056183,
  ],
} as const;

/** MINSTD (Park & Miller): exact in doubles, identical to the Python generator. */
function minstd(seed: number): () => number {
  let x = seed;
  return () => {
    x = (x * 48271) % 2147483647;
    return x / 2147483647;
  };
}

function make(n: number, seed: number): { columns: Float64Array[]; y: Float64Array; z: Float64Array } {
  const next = minstd(seed);
  const columns = Array.from({ length: 4 }, () => new Float64Array(n));
  const y = new Float64Array(n);
  const z = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let f = 0; f < 4; f++) {
      const v = Math.floor(next() * 30);
      columns[f]![i] = next() < 0.12 ? Number.NaN : v;
    }
    const a = Number.isNaN(columns[0]![i]!) ? 1.2 : columns[0]![i]! / 30;
    const b = Number.isNaN(columns[1]![i]!) ? -0.2 : columns[1]![i]! / 30;
    z[i] = a - b + 0.3 * (next() - 0.5);
    y[i] = z[i]! > 0.1 ? 1 : 0;
  }
  return { columns, y, z };
}

describe('parity with XGBoost hist when the bins are exact', () => {
  const train = make(400, 12345);
  const test = make(30, 777);
  for (const objective of ['binary', 'squared'] as Objective[]) {
    it(`${objective}: predictions on new rows with missing values match XGBoost to 1e-5`, () => {
      const target = objective === 'binary' ? train.y : train.z;
      const model = fitGbdt({ columns: train.columns, y: target }, { objective, nTrees: 10, maxDepth: 3, learningRate: 0.3 });
      const p = model.predict(test.columns);
      const want = XGBOOST[objective];
      const maxDiff = Math.max(...want.map((w, i) => Math.abs(p[i]! - w)));
      expect(maxDiff).toBeLessThan(1e-5);
    });
  }
});
