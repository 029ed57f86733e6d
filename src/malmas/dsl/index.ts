/** The feature language: one safe expression per feature (docs/feature-language.md). */
export type { Expr, BinaryOp, UnaryOp } from './ast.js';
export { LIMITS, formatExpr, columnsOf } from './ast.js';
export { parseFeature, type ParseResult } from './parser.js';
export { checkFeature, schemaOf, type Schema, type FeatureContext, type FeatureKind, type CheckResult } from './check.js';
export { compileFeature, FeatureProgram, FittedFeature, type CompileResult } from './program.js';
export { FEATURE_FORMAT, type FittedFeatureJSON } from './serialize.js';
export { FUNCTIONS, signature, type FnSpec, type ValueKind } from './functions.js';
export { FEATURE_LANGUAGE_CHEATSHEET } from './cheatsheet.js';
