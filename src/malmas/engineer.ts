/**
 * The MALMAS loop (arXiv 2604.20261; shared/reference/malmas-algorithm.md §1 and §5):
 *
 *   split train/test (40% test, seeded; stratified for classification — MALMAS does not stratify)
 *   for each round r = 1..R:
 *     router → the agents of this round
 *     each agent: propose (LLM or offline proposer, with its memory) → parse + check in the feature
 *       language → CV gain of the feature added alone to the current base, its statistics fitted
 *       on each fold's training rows (evaluator.ts) → accepted when gain > 0 (strictly) →
 *       procedural / feedback memory
 *     router learns each agent's mean gain; conceptual memory summarised
 *     persist: per agent, its top-k accepted features of the round (k = keepPerAgent, MALMAS's
 *       long_memory_feature_num) become base columns for the next rounds
 *   final: the accepted features judged together on fresh folds (selection.ts; or all of them, as
 *     MALMAS), a model on train + those, scored on the test split, against the base.
 *
 * Gain (as MALMAS): classification ΔAUC + Δaccuracy of the K-fold mean validation scores;
 * regression NRMSE(base) − NRMSE(base + feature), NRMSE = RMSE / mean(y). Folds are fixed for the
 * whole run (seeded), so gains of one round are comparable.
 *
 * Deliberate differences, all for honest measurement: the feature statistics (group means,
 * frequencies, quantile bins…) are fitted on training rows only — each CV fold's for the gains,
 * the train split's for the test score — and applied to the rest (MALMAS computes them within
 * each split); the evaluator is our histogram GBDT (model/) with
 * 100 trees at learning rate 0.1 by default (MALMAS: XGBoost, 500 trees at 0.02; set `model`);
 * a proposal that does not compile is recorded with its reason and shown to the agent next round
 * (MALMAS's repair loop re-asks at once); features whose values are constant or duplicate a
 * column are rejected without a model fit.
 *
 * Knows nothing of sweeps, queues or trackers: progress goes to `onProgress`, results are returned.
 */
import { EXIT, FFError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { contextColumns } from './agents/columns.js';
import { describeColumns, prepareTask, splitTask, type PreparedTask, type Table } from './dataset/index.js';
import { compileFeature, schemaOf, type FeatureContext } from './dsl/index.js';
import { FeatureSet, withColumn, type FeatureMeta } from './feature-set.js';
import { isConstant, modelColumn, modelMatrix, sameValues, valuesHash } from './matrix.js';
import { MalmasMemory } from './memory.js';
import { accuracy, fitGbdt, GbdtPool, nrmse, rocAuc, stratifiedKFold, kFold, type GbdtParams } from './model/index.js';
import { OfflineProposer } from './offline/index.js';
import { checkRouterStrategy, Router, type RouterLlm, type RouterSelection, type RouterStrategy } from './router.js';
import { FoldedEvaluator } from './evaluator.js';
import { pairedGain, selectFinal } from './selection.js';
import { AGENT_KINDS, type AgentKind, type FeatureProposal, type Proposer, type TokenUsage } from './types.js';

export interface EngineerOptions {
  readonly target: string;
  readonly task?: 'classification' | 'regression';
  readonly positive?: string;
  /** Rounds (MALMAS: 4). */
  readonly rounds?: number;
  readonly router?: RouterStrategy;
  /** The agents the router may pick from (default all six). */
  readonly agents?: readonly AgentKind[];
  /** Writes the proposals; default the offline proposer (not an LLM). */
  readonly proposer?: Proposer;
  /** Needed by the `llm` router strategy. */
  readonly routerLlm?: RouterLlm;
  /** 0 (conservative) … 2 (exploratory); default 1.0 (MALMAS). */
  readonly temperature?: number;
  readonly seed?: number;
  /** Test share (0.4). */
  readonly testSize?: number;
  /** CV folds on the train split (5). */
  readonly nFolds?: number;
  /** Accepted features persisted per agent and round as base columns (MALMAS long_memory_feature_num: 4). */
  readonly keepPerAgent?: number;
  /** Evaluator parameters; the objective follows the task. */
  readonly model?: Partial<Omit<GbdtParams, 'objective'>>;
  /** Worker threads for the evaluator (default min(2, cores)). */
  readonly threads?: number;
  /** Rows have an order (lags and rolling windows allowed); implied by `orderBy`. */
  readonly ordered?: boolean;
  readonly orderBy?: string;
  /** Shown to the agents, e.g. "Predict whether a passenger survived". */
  readonly taskDescription?: string;
  /**
   * Which accepted features the final model uses. `all`: every one (MALMAS). `cv` (default): the
   * best-gain-first prefix (sizes 0, 1, 2, 4, …, all; with the features they read) whose joint
   * gain, by a fresh, repeated CV on the train split, is highest and clears its standard error —
   * features are accepted one at a time and never tested together, and on small data half of the
   * noise features pass a `gain > 0` test (see selection.ts).
   */
  readonly finalSelection?: 'cv' | 'all';
  readonly onProgress?: (event: EngineerEvent) => void;
  readonly signal?: AbortSignal;
}

export type EngineerEvent =
  | { readonly type: 'start'; readonly rows: number; readonly trainRows: number; readonly testRows: number; readonly columns: number; readonly task: 'classification' | 'regression'; readonly proposer: string; readonly baseCv: number }
  | { readonly type: 'round'; readonly round: number; readonly rounds: number; readonly agents: readonly AgentKind[]; readonly applied: string }
  | { readonly type: 'agent'; readonly round: number; readonly agent: AgentKind; readonly proposed: number; readonly invalid: number; readonly accepted: number; readonly bestGain: number | null; readonly costUsd: number }
  | { readonly type: 'round-end'; readonly round: number; readonly metrics: Readonly<Record<string, number>>; readonly persisted: readonly string[] }
  | { readonly type: 'selection'; readonly tried: ReadonlyArray<{ readonly size: number; readonly gain: number; readonly se: number }>; readonly kept: number; readonly of: number }
  | { readonly type: 'warning'; readonly message: string };

export type Outcome = 'accepted' | 'rejected' | 'invalid';

export interface EvaluatedFeature {
  readonly name: string;
  readonly expr: string;
  readonly agent: AgentKind;
  readonly round: number;
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly gain?: number;
  /** CV scores with the feature added (AUC + accuracy, or NRMSE). */
  readonly cv?: Readonly<Record<string, number>>;
  readonly persisted: boolean;
  readonly logic?: string;
}

export interface EngineerResult {
  readonly task: 'classification' | 'regression';
  readonly target: string;
  readonly positive?: string;
  readonly proposer: { readonly describe: string; readonly isLlm: boolean };
  readonly seed: number;
  readonly rounds: number;
  readonly trainRows: number;
  readonly testRows: number;
  /** The metric schema (round_k/…, cumulative/…, final/…, tokens/…), ready to log. */
  readonly metrics: Readonly<Record<string, number>>;
  /** One entry per round: the metrics of that round (keys without the `round_k/` prefix). */
  readonly roundMetrics: ReadonlyArray<Readonly<Record<string, number>>>;
  /** Every proposal and what became of it, in order. */
  readonly evaluated: readonly EvaluatedFeature[];
  /** The accepted features in order, fitted on the train split (what the final score used). */
  readonly features: FeatureSet;
  readonly memory: MalmasMemory;
  readonly routerHistory: readonly RouterSelection[];
  /** Final model's total-gain importance share per column, largest first. */
  readonly importance: ReadonlyArray<{ readonly name: string; readonly share: number; readonly generated: boolean }>;
  /** Train and test parts with every accepted feature appended (for generated_features.csv). */
  readonly train: { readonly table: Table; readonly y: Float64Array; readonly rows: Int32Array };
  readonly test: { readonly table: Table; readonly y: Float64Array; readonly rows: Int32Array };
  readonly prepared: PreparedTask;
  /** How the features were compiled (row order, the target they may never read). */
  readonly context: FeatureContext;
  readonly warnings: readonly string[];
  readonly wallSeconds: number;
}

interface Candidate {
  readonly agent: AgentKind;
  readonly proposal: FeatureProposal;
  readonly name: string;
}

interface Accepted {
  readonly meta: FeatureMeta;
  readonly trainValues: Float64Array;
}

const DEFAULT_MODEL: Partial<GbdtParams> = { nTrees: 100, learningRate: 0.1, maxDepth: 6, maxBins: 256 };

/** The defaults of {@link EngineerOptions} (MALMAS's settings where it has one). */
export const ENGINEER_DEFAULTS = { rounds: 4, temperature: 1.0, router: 'hybrid', seed: 0, nFolds: 5, keepPerAgent: 4, nTrees: DEFAULT_MODEL.nTrees! } as const;

/** Runs MALMAS on a loaded table. Throws FFError for bad data or options; never for a bad proposal. */
export async function runEngineer(table: Table, opts: EngineerOptions): Promise<EngineerResult> {
  const t0 = performance.now();
  const rounds = opts.rounds ?? ENGINEER_DEFAULTS.rounds;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50) throw new FFError('FF_USAGE', `rounds = ${String(opts.rounds)}: it must be an integer from 1 to 50 (MALMAS uses 4)`, EXIT.usage);
  const temperature = opts.temperature ?? ENGINEER_DEFAULTS.temperature;
  if (!(temperature >= 0 && temperature <= 2)) throw new FFError('FF_USAGE', `temperature = ${String(opts.temperature)}: it must be a number from 0 to 2`, EXIT.usage);
  const seed = opts.seed ?? ENGINEER_DEFAULTS.seed;
  const nFolds = opts.nFolds ?? ENGINEER_DEFAULTS.nFolds;
  if (!Number.isInteger(nFolds) || nFolds < 2 || nFolds > 20) throw new FFError('FF_USAGE', `nFolds = ${String(opts.nFolds)}: it must be an integer from 2 to 20`, EXIT.usage);
  const keepPerAgent = opts.keepPerAgent ?? ENGINEER_DEFAULTS.keepPerAgent;
  const agentsAllowed = checkAgents(opts.agents);
  checkRouterStrategy(opts.router ?? ENGINEER_DEFAULTS.router, opts.routerLlm !== undefined);
  const proposer = opts.proposer ?? new OfflineProposer();
  const warnings: string[] = [];
  const warn = (message: string): void => {
    warnings.push(message);
    opts.onProgress?.({ type: 'warning', message });
  };

  const prepared = prepareTask(table, { target: opts.target, ...(opts.task !== undefined ? { task: opts.task } : {}), ...(opts.positive !== undefined ? { positive: opts.positive } : {}) });
  for (const w of prepared.warnings) warn(w);
  const task = prepared.task;
  const objective = task === 'classification' ? 'binary' : 'squared';
  const params: Partial<GbdtParams> = { ...DEFAULT_MODEL, ...opts.model, objective, seed };
  const orderBy = opts.orderBy;
  if (orderBy !== undefined) {
    const c = prepared.features.columns.find((x) => x.name === orderBy);
    if (c === undefined || (c.kind !== 'numeric' && c.kind !== 'datetime')) {
      throw new FFError('FF_USAGE', `order column '${orderBy}' ${c === undefined ? 'is not a column of the data' : `is ${c.kind}`}; it must be a numeric or datetime column`, EXIT.usage);
    }
  }
  const fctx: FeatureContext = { ordered: opts.ordered === true || orderBy !== undefined, ...(orderBy !== undefined ? { orderBy } : {}), target: opts.target };

  const split = splitTask(prepared, { seed, ...(opts.testSize !== undefined ? { testSize: opts.testSize } : {}) });
  let test = split.test.features;
  const yTrain = split.train.y;
  const yTest = split.test.y;
  const folds = task === 'classification' ? stratifiedKFold(yTrain, nFolds, { shuffle: true, seed: 42 + seed }) : kFold(yTrain.length, nFolds, { shuffle: true, seed: 42 + seed });
  for (let k = 0; k < nFolds; k++) {
    if (!folds.includes(k)) throw new FFError('FF_DATA', `${table.source ?? 'the dataset'}: only ${yTrain.length} training rows, too few for ${nFolds}-fold cross-validation`);
  }

  const pool = new GbdtPool(opts.threads);
  try {
    const ev = new FoldedEvaluator({ train: split.train.features, y: yTrain, folds, nFolds, task, params, pool, ctx: fctx, target: opts.target });
    const gainOf = (base: Record<string, number>, withF: Record<string, number>): number =>
      task === 'classification' ? withF['auc']! - base['auc']! + (withF['accuracy']! - base['accuracy']!) : base['nrmse']! - withF['nrmse']!;
    const testScore = (trainCols: Float64Array[], testCols: Float64Array[]): { score: Record<string, number>; importance: Float64Array } => {
      const booster = fitGbdt({ columns: trainCols, y: yTrain }, params);
      const pred = booster.predict(testCols);
      const score: Record<string, number> = task === 'classification' ? { auc: rocAuc(yTest, pred), accuracy: accuracy(yTest, pred) } : { nrmse: nrmse(yTest, pred) };
      return { score, importance: booster.importance('total_gain') };
    };

    const baseTrain = ev.base;
    const baseTest = modelMatrix(test);
    if (baseTrain.columns.length === 0) {
      throw new FFError('FF_DATA', `${table.source ?? 'the dataset'}: no usable feature column besides the target (id-like columns are not features)`);
    }
    let baseCv = (await ev.score()).mean;
    const initialCv = baseCv;
    const baseFinal = testScore(baseTrain.columns, baseTest.columns);
    const headline = task === 'classification' ? 'auc' : 'nrmse';
    opts.onProgress?.({ type: 'start', rows: prepared.y.length, trainRows: yTrain.length, testRows: yTest.length, columns: prepared.features.columns.length, task, proposer: proposer.describe, baseCv: baseCv[headline]! });

    const memory = new MalmasMemory();
    const describeOf = (t: Table): Array<Record<string, unknown>> => contextColumns(describeColumns(t, yTrain));
    const logicOf = new Map<string, string>();
    const withLogic = (cols: Array<Record<string, unknown>>): Array<Record<string, unknown>> =>
      cols.map((c) => (logicOf.has(String(c['name'])) ? { ...c, description: logicOf.get(String(c['name'])) } : c));
    const router = new Router({
      strategy: opts.router ?? ENGINEER_DEFAULTS.router,
      columns: describeOf(ev.table),
      ordered: fctx.ordered,
      nRounds: rounds,
      ...(opts.taskDescription !== undefined ? { taskDescription: opts.taskDescription } : {}),
      ...(opts.routerLlm !== undefined ? { llm: opts.routerLlm } : {}),
    });
    const importanceText = importanceRanking(baseFinal.importance, baseTrain.names);
    const accepted: Accepted[] = [];
    const evaluated: EvaluatedFeature[] = [];
    const roundMetrics: Array<Record<string, number>> = [];
    const metrics: Record<string, number> = {};
    const tokens = new Map<AgentKind, { prompt: number; completion: number }>();
    let totalCost = 0;
    const seenHashes = new Map<string, Float64Array>(baseTrain.columns.map((c) => [valuesHash(c), c]));
    const taskDescription = opts.taskDescription ?? defaultTaskDescription(prepared);

    for (let r = 0; r < rounds; r++) {
      opts.signal?.throwIfAborted();
      const tRound = performance.now();
      const columnsDesc = withLogic(describeOf(ev.table));
      router.setColumns(columnsDesc);
      const selection = await router.select(r);
      const agents = selection.agents.filter((a) => agentsAllowed.includes(a));
      const chosen = agents.length > 0 ? agents : agentsAllowed.slice(0, 1);
      opts.onProgress?.({ type: 'round', round: r + 1, rounds, agents: chosen, applied: selection.applied });

      // Proposals of all agents in parallel (LLM calls overlap); evaluation then runs agent by agent.
      const proposals = await Promise.all(
        chosen.map(async (agent) => {
          const ctx = {
            agent,
            round: r,
            nRounds: rounds,
            task,
            taskDescription,
            columns: columnsDesc,
            ordered: fctx.ordered,
            ...memory.contextFor(agent),
            ...(r >= Math.ceil(rounds / 2) ? { importance: importanceText } : {}),
            temperature,
            seed: new Rng(seed, 'malmas/proposer', agent, r).int(2 ** 31),
          };
          try {
            return { agent, result: await proposer.propose(ctx, opts.signal) };
          } catch (e) {
            if (opts.signal?.aborted === true) throw e;
            warn(`round ${r + 1}, ${agent}: the proposer failed (${e instanceof Error ? e.message : String(e)}); the agent is skipped this round`);
            return { agent, result: undefined };
          }
        }),
      );

      let roundCost = 0;
      let nGenerated = 0;
      const roundGains: number[] = [];
      const acceptedThisRound = new Map<AgentKind, Array<{ meta: FeatureMeta; values: Float64Array; gain: number }>>();
      const train = ev.table;
      const schema = schemaOf(train);
      const trainNames = new Set(train.columns.map((c) => c.name));
      for (const { agent, result } of proposals) {
        if (result === undefined) continue;
        roundCost += result.costUsd;
        addTokens(tokens, agent, result.usage);
        for (const w of result.warnings) warn(`round ${r + 1}, ${agent}: ${w}`);
        const mem = memory.agent(agent);
        const known = new Set([...mem.valid(), ...mem.invalid()]);
        const fresh: Candidate[] = [];
        const seenNames = new Set<string>();
        for (const p of result.proposals) {
          const name = p.name.trim();
          if (name === '' || trainNames.has(name) || known.has(name) || seenNames.has(name)) continue;
          seenNames.add(name);
          fresh.push({ agent, proposal: p, name });
        }
        nGenerated += fresh.length;
        let nInvalid = 0;
        let nAccepted = 0;
        let best: number | null = null;
        const gains: number[] = [];
        // Compile and compute every fresh proposal, then evaluate the computable ones concurrently.
        const ready: Array<{ c: Candidate; values: Float64Array; perFold: Float64Array[]; meta: FeatureMeta }> = [];
        for (const c of fresh) {
          const rec = (outcome: Outcome, reason: string, gain?: number): void => {
            evaluated.push({ name: c.name, expr: c.proposal.expr, agent, round: r + 1, outcome, reason, ...(gain !== undefined ? { gain } : {}), persisted: false, ...logicField(c.proposal) });
            memory.record(agent, {
              name: c.name,
              expr: c.proposal.expr,
              baseColumns: c.proposal.baseColumns ?? [],
              ...logicField(c.proposal),
              ...(c.proposal.type !== undefined ? { type: c.proposal.type } : {}),
              round: r,
              outcome: outcome === 'invalid' ? { status: 'invalid', error: reason } : { status: 'rejected', reason },
              ...(gain !== undefined ? { gain } : {}),
            });
          };
          const compiled = compileFeature(c.proposal.expr, schema, fctx);
          if (!compiled.ok) {
            nInvalid++;
            rec('invalid', compiled.error);
            continue;
          }
          let values: Float64Array;
          let perFold: Float64Array[];
          try {
            values = modelColumn(compiled.feature.fit(train).apply(train, c.name))!;
            perFold = ev.foldValues(compiled.feature, c.name);
          } catch (e) {
            nInvalid++;
            rec('invalid', `it could not be computed: ${e instanceof Error ? e.message : String(e)}`);
            continue;
          }
          if (isConstant(values)) {
            rec('rejected', 'constant or missing on every training row, so it carries no information');
            continue;
          }
          const dup = seenHashes.get(valuesHash(values));
          if (dup !== undefined && sameValues(dup, values)) {
            rec('rejected', 'the same values as an existing column');
            continue;
          }
          ready.push({ c, values, perFold, meta: { name: c.name, expr: c.proposal.expr, agent, round: r + 1, gain: 0, ...logicField(c.proposal) } });
        }
        // two candidates at a time keep the evaluator's threads busy without holding every copy at once
        const scores = await mapLimit(ready, 2, async (x) => (await ev.score(x.perFold.map((v) => [v]))).mean);
        ready.forEach((x, i) => {
          const cv = scores[i]!;
          const gain = gainOf(baseCv, cv);
          gains.push(gain);
          const ok = gain > 0;
          const meta = { ...x.meta, gain };
          evaluated.push({ name: x.c.name, expr: x.c.proposal.expr, agent, round: r + 1, outcome: ok ? 'accepted' : 'rejected', ...(ok ? {} : { reason: `no gain (${fmtGain(gain)})` }), gain, cv, persisted: false, ...logicField(x.c.proposal) });
          memory.record(agent, {
            name: x.c.name,
            expr: x.c.proposal.expr,
            baseColumns: x.c.proposal.baseColumns ?? [...compileColumns(x.c.proposal.expr, schema, fctx)],
            ...logicField(x.c.proposal),
            ...(x.c.proposal.type !== undefined ? { type: x.c.proposal.type } : {}),
            round: r,
            outcome: ok ? { status: 'accepted' } : { status: 'rejected', reason: `no gain: ${fmtGain(gain)} (${task === 'classification' ? 'ΔAUC + Δaccuracy' : 'NRMSE reduction'} in ${nFolds}-fold CV must be > 0)` },
            gain,
          });
          if (ok) {
            nAccepted++;
            if (best === null || gain > best) best = gain;
            accepted.push({ meta, trainValues: x.values });
            seenHashes.set(valuesHash(x.values), x.values);
            const list = acceptedThisRound.get(agent) ?? [];
            list.push({ meta, values: x.values, gain });
            acceptedThisRound.set(agent, list);
          }
        });
        roundGains.push(...gains);
        if (gains.length > 0) router.update(agent, r, mean(gains));
        opts.onProgress?.({ type: 'agent', round: r + 1, agent, proposed: fresh.length, invalid: nInvalid, accepted: nAccepted, bestGain: best, costUsd: result.costUsd });
      }
      for (const w of await memory.summariseRound(r, { agents: chosen })) warn(w);

      // Persist each agent's top-k accepted features of this round as base columns.
      const persisted: string[] = [];
      for (const agent of AGENT_KINDS) {
        const list = (acceptedThisRound.get(agent) ?? []).sort((a, b) => b.gain - a.gain).slice(0, keepPerAgent);
        for (const f of list) {
          if (ev.table.columns.some((c) => c.name === f.meta.name)) continue;
          const fitted = ev.persist(f.meta);
          if (fitted === undefined) continue; // cannot happen: it compiled against an older schema this round
          test = withColumn(test, fitted.apply(test, f.meta.name));
          if (f.meta.logic !== undefined) logicOf.set(f.meta.name, f.meta.logic);
          persisted.push(f.meta.name);
        }
      }
      for (let i = 0; i < evaluated.length; i++) {
        const e = evaluated[i]!;
        if (e.round === r + 1 && persisted.includes(e.name)) evaluated[i] = { ...e, persisted: true };
      }
      if (persisted.length > 0) baseCv = (await ev.score()).mean;

      // This round's figures; the test score is the current base's (original + persisted columns).
      totalCost += roundCost;
      const now = testScore(modelMatrix(ev.table).columns, modelMatrix(test).columns);
      const k = r + 1;
      const rm: Record<string, number> = {
        n_features_generated: nGenerated,
        n_effective_features: roundGains.filter((g) => g > 0).length,
        avg_feature_gain: roundGains.length > 0 ? mean(roundGains) : 0,
        best_feature_gain: roundGains.length > 0 ? Math.max(...roundGains) : 0,
        llm_cost_usd: roundCost,
        latency_seconds: (performance.now() - tRound) / 1000,
        n_agents: chosen.length,
        n_persisted: persisted.length,
      };
      if (task === 'classification') {
        rm['cv_auc'] = baseCv['auc']!;
        rm['test_auc'] = now.score['auc']!;
      } else {
        rm['cv_nrmse'] = baseCv['nrmse']!;
        rm['test_nrmse'] = now.score['nrmse']!;
      }
      roundMetrics.push(rm);
      for (const [key, v] of Object.entries(rm)) metrics[`round_${k}/${key}`] = v;
      metrics['cumulative/n_features_total'] = accepted.length;
      metrics['cumulative/llm_cost_usd'] = totalCost;
      if (task === 'classification') metrics['cumulative/auc_improvement'] = baseCv['auc']! - initialCv['auc']!;
      else metrics['cumulative/nrmse_improvement'] = initialCv['nrmse']! - baseCv['nrmse']!;
      opts.onProgress?.({ type: 'round-end', round: k, metrics: { ...rm, ...cumulativeOf(metrics) }, persisted });
    }

    // Final: the accepted features chosen by a fresh CV on the train split, scored on the test split.
    // The acceptance folds picked the features, so they would flatter them: new shuffles judge the sets.
    const selectionFolds = [1, 2].map((rep) =>
      task === 'classification' ? stratifiedKFold(yTrain, nFolds, { shuffle: true, seed: 7919 * rep + seed }) : kFold(yTrain.length, nFolds, { shuffle: true, seed: 7919 * rep + seed }),
    );
    const foldScores = async (metas: readonly FeatureMeta[]): Promise<number[]> => {
      const out: number[] = [];
      for (const f of selectionFolds) out.push(...(await ev.scoreSet(metas, f)).perFold);
      return out;
    };
    const selection =
      (opts.finalSelection ?? 'cv') === 'all'
        ? { kept: accepted.map((a) => a.meta), tried: [] }
        : await (async () => {
            const base = await foldScores([]);
            return selectFinal(accepted.map((a) => a.meta), async (metas) => pairedGain(base, await foldScores(metas)));
          })();
    opts.onProgress?.({ type: 'selection', tried: selection.tried, kept: selection.kept.length, of: accepted.length });
    const features = FeatureSet.fit(split.train.features, opts.target, selection.kept, fctx);
    const finalTrain = features.transform(split.train.features);
    const finalTest = features.transform(split.test.features);
    const ftr = modelMatrix(finalTrain);
    const fte = modelMatrix(finalTest);
    const fin = testScore(ftr.columns, fte.columns);
    if (task === 'classification') {
      metrics['final/base_auc'] = baseFinal.score['auc']!;
      metrics['final/malmas_auc'] = fin.score['auc']!;
      metrics['final/improvement'] = fin.score['auc']! - baseFinal.score['auc']!;
      metrics['final/base_accuracy'] = baseFinal.score['accuracy']!;
      metrics['final/malmas_accuracy'] = fin.score['accuracy']!;
    } else {
      metrics['final/base_nrmse'] = baseFinal.score['nrmse']!;
      metrics['final/malmas_nrmse'] = fin.score['nrmse']!;
      metrics['final/improvement'] = baseFinal.score['nrmse']! - fin.score['nrmse']!;
    }
    metrics['final/n_features'] = selection.kept.length;
    metrics['final/n_accepted'] = accepted.length;
    metrics['llm/total_cost_usd'] = totalCost;
    let pt = 0;
    let ct = 0;
    for (const agent of AGENT_KINDS) {
      const t = tokens.get(agent);
      if (t === undefined) continue;
      metrics[`tokens/${agent}/prompt`] = t.prompt;
      metrics[`tokens/${agent}/completion`] = t.completion;
      pt += t.prompt;
      ct += t.completion;
    }
    metrics['llm/prompt_tokens'] = pt;
    metrics['llm/completion_tokens'] = ct;
    const generated = new Set(features.names);
    const totalGain = fin.importance.reduce((a, b) => a + b, 0);
    const importance = ftr.names
      .map((name, i) => ({ name, share: totalGain > 0 ? fin.importance[i]! / totalGain : 0, generated: generated.has(name) }))
      .sort((a, b) => b.share - a.share || (a.name < b.name ? -1 : 1));
    return {
      task,
      target: opts.target,
      ...(prepared.positive !== undefined ? { positive: prepared.positive } : {}),
      proposer: { describe: proposer.describe, isLlm: proposer.isLlm },
      seed,
      rounds,
      trainRows: yTrain.length,
      testRows: yTest.length,
      metrics,
      roundMetrics,
      evaluated,
      features,
      memory,
      routerHistory: router.history(),
      importance,
      train: { table: finalTrain, y: yTrain, rows: split.train.rows },
      test: { table: finalTest, y: yTest, rows: split.test.rows },
      prepared,
      context: fctx,
      warnings,
      wallSeconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await pool.close();
  }
}

function checkAgents(agents: readonly AgentKind[] | undefined): AgentKind[] {
  if (agents === undefined) return [...AGENT_KINDS];
  const bad = agents.filter((a) => !(AGENT_KINDS as readonly string[]).includes(a));
  if (bad.length > 0) throw new FFError('FF_USAGE', `unknown agent${bad.length > 1 ? 's' : ''} ${bad.map((b) => JSON.stringify(b)).join(', ')}; valid agents: ${AGENT_KINDS.join(', ')}`, EXIT.usage);
  if (agents.length === 0) throw new FFError('FF_USAGE', `no agents given; name at least one of ${AGENT_KINDS.join(', ')}`, EXIT.usage);
  return AGENT_KINDS.filter((a) => agents.includes(a));
}

function logicField(p: FeatureProposal): { logic?: string } {
  return p.logic !== undefined && p.logic !== '' ? { logic: p.logic } : {};
}

function compileColumns(expr: string, schema: ReturnType<typeof schemaOf>, ctx: FeatureContext): readonly string[] {
  const c = compileFeature(expr, schema, ctx);
  return c.ok ? c.feature.columns : [];
}

function addTokens(m: Map<AgentKind, { prompt: number; completion: number }>, agent: AgentKind, u: TokenUsage): void {
  const t = m.get(agent) ?? { prompt: 0, completion: 0 };
  m.set(agent, { prompt: t.prompt + u.promptTokens, completion: t.completion + u.completionTokens });
}

/** `fn` over `items` with at most `limit` calls in flight; results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return out;
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function fmtGain(g: number): string {
  return `${g >= 0 ? '+' : ''}${g.toFixed(4)}`;
}

function cumulativeOf(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).filter(([k]) => k.startsWith('cumulative/')));
}

function importanceRanking(imp: Float64Array, names: readonly string[]): Array<{ name: string; share: number }> {
  const total = imp.reduce((a, b) => a + b, 0);
  return names
    .map((name, i) => ({ name, share: total > 0 ? imp[i]! / total : 0 }))
    .sort((a, b) => b.share - a.share || (a.name < b.name ? -1 : 1));
}

function defaultTaskDescription(p: PreparedTask): string {
  if (p.task === 'classification') {
    return `Binary classification: predict whether '${p.targetName}' is ${JSON.stringify(p.positive ?? '1')} (positive rate ${((p.positiveRate ?? 0) * 100).toFixed(1)}%). Features are judged by the cross-validated gain in ROC AUC plus accuracy of a gradient-boosted model.`;
  }
  return `Regression: predict '${p.targetName}'. Features are judged by the cross-validated reduction of NRMSE (RMSE / mean) of a gradient-boosted model.`;
}
