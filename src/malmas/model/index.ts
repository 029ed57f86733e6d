/** The gradient-boosted trees library used by MALMAS's evaluator: fit / predict, metrics, CV. */
export { DEFAULT_PARAMS, resolveParams, type Dataset, type GbdtParams, type Objective } from './types.js';
export { Booster, fitGbdt, sigmoid, type ImportanceKind } from './gbdt.js';
export type { Tree } from './tree.js';
export { fitBins, binOf, type BinMapper } from './binning.js';
export { accuracy, logLoss, nrmse, rmse, rocAuc } from './metrics.js';
export { checkFolds, kFold, stratifiedKFold } from './folds.js';
export { crossValidate, metricsOf, type CvMetrics, type CvOptions, type CvResult, type FoldResult } from './cv.js';
export { GbdtPool, defaultThreads } from './pool.js';
