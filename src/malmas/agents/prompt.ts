/**
 * The agents' prompts (malmas-algorithm.md §1.1 step 1–2 and §2; the wording is ours).
 *
 * system = role, goal, inputs, output requirements, the feature-language cheatsheet, the exact JSON
 *          output format; then "Global Conceptual Memory" and "Local Conceptual Memory for This
 *          Agent" when present (MALMAS appends them from the 2nd round on).
 * user   = the column descriptions (enriched for local_pattern, compact otherwise), the task,
 *          `[Valid features generated]`, `[Invalid features generated]`, the failures with their
 *          reasons (our repair loop, replacing MALMAS's Python-traceback repair), the importance
 *          ranking from round ceil(nRounds/2) on (0-based rounds, as MALMAS's round_idx), and the
 *          feedback memory.
 *
 * MALMAS's lists grow without bound; here every section has a cap (columns, names, failures,
 * characters) and says what it left out, so a 200-column table still gives a prompt of bounded size.
 */
import { FEATURE_LANGUAGE_CHEATSHEET } from '../dsl/index.js';
import type { ProposalContext } from '../types.js';
import { readColumns, type ColumnInfo } from './columns.js';
import type { AgentSpec } from './spec.js';

export interface AgentPrompt {
  readonly system: string;
  readonly user: string;
}

/** Caps that keep a prompt bounded whatever the table and the memory. */
export const PROMPT_LIMITS = {
  /** Columns described (compact / enriched); the rest are named in a note. */
  compactColumns: 60,
  enrichedColumns: 30,
  /** Characters of the description JSON. */
  descriptionChars: 16000,
  /** Names listed in the valid / invalid lists (the most recent ones), and their characters. */
  names: 60,
  namesChars: 2500,
  failures: 10,
  importance: 25,
  feedback: 5,
  summaryChars: 1500,
  /** Longest expression or reason quoted back to the agent. */
  exprChars: 200,
  /** Features asked for per call (MALMAS sets none; 1–2 per field can be hundreds on wide tables). */
  maxFeatures: 20,
} as const;

export function buildAgentPrompt(spec: AgentSpec, ctx: ProposalContext): AgentPrompt {
  return { system: systemPrompt(spec, ctx), user: userPrompt(spec, ctx) };
}

const OUTPUT_FORMAT = `[
  {
    "name": "short_unique_name",
    "expr": "an expression in the feature language",
    "type": "numerical",
    "base_columns": ["column_a", "column_b"],
    "logic": "one sentence: how it is derived and why it should help"
  }
]`;

function systemPrompt(spec: AgentSpec, ctx: ProposalContext): string {
  const task = ctx.task === 'classification' ? 'binary classification' : 'regression';
  const parts = [
    `You are the ${spec.title} in MALMAS, a team of feature-engineering agents working on a tabular ${task} task. Each agent has its own focus; stay within yours.`,
    `## Goal\n${spec.focus}`,
    '## Inputs (in the user message)\n' +
      [
        `- A JSON object describing every column: its type and statistics${spec.enriched ? ', with target_bin_avg, the mean target per quantile bin (numeric) or per frequent category' : ''}.`,
        '- The task description and whether the rows are ordered.',
        '- [Valid features generated]: your features that improved the model (they may now be columns you can build on).',
        '- [Invalid features generated]: your features that did not help or did not compile.',
        '- Failed features with their reasons, the best features so far by gain, and in later rounds the importance ranking of the columns.',
      ].join('\n'),
    '## Output requirements\n' +
      [
        `- Propose 1-2 derived features per ${spec.unit} you find promising, at most ${PROMPT_LIMITS.maxFeatures} features in all; skip fields where you see nothing useful.`,
        ...spec.requirements.map((r) => `- ${r}`),
        '- Each feature is ONE expression in the feature language below, using only columns listed in the description, with their exact names (backquote names with spaces or other symbols). Never use the prediction target.',
        '- Names: letters, digits and _ only; a name must not repeat a name in the valid or invalid lists, nor an existing column.',
        '- Do not resubmit an expression that failed: fix it using the reason given, or try something else.',
        '- type is "numerical" for numbers and 0/1 flags, "categorical" for categories (concat, prefix, str_split_part, if with strings).',
        '- Include every field of the format: name, expr, type, base_columns (the columns the expression reads) and logic.',
        `- Example expressions for your focus: ${spec.examples.map((e) => '`' + e + '`').join(', ')}.`,
      ].join('\n'),
    `## ${FEATURE_LANGUAGE_CHEATSHEET}`,
    `## Output format\nReply with a JSON array only (no prose, no code fences):\n${OUTPUT_FORMAT}`,
  ];
  if (present(ctx.globalSummary)) parts.push(`## Global Conceptual Memory (rules learned by all agents)\n${clip(ctx.globalSummary!, PROMPT_LIMITS.summaryChars)}`);
  if (present(ctx.localSummary)) parts.push(`## Local Conceptual Memory for This Agent\n${clip(ctx.localSummary!, PROMPT_LIMITS.summaryChars)}`);
  return parts.join('\n\n');
}

function userPrompt(spec: AgentSpec, ctx: ProposalContext): string {
  const cols = readColumns(ctx.columns);
  const parts = [
    `Column descriptions (JSON):\n${describeForPrompt(cols, ctx, spec.enriched)}`,
    `Task (${ctx.task}): ${clip(ctx.taskDescription.trim() || '(no description given)', 2000)}`,
    ctx.ordered
      ? 'Row order: the rows are ordered, so lag, diff, rolling_* and cumsum are available.'
      : 'Row order: the rows have no order, so lag, diff, rolling_* and cumsum are NOT available.',
    `Round ${ctx.round + 1} of ${ctx.nRounds}.`,
    `[Valid features generated] ${nameList(ctx.valid)}`,
    `[Invalid features generated] ${nameList(ctx.invalid)}`,
  ];
  if (ctx.failures.length > 0) {
    const shown = ctx.failures.slice(0, PROMPT_LIMITS.failures);
    const more = ctx.failures.length - shown.length;
    parts.push(
      '[Failed features: these failed; fix them or avoid them]\n' +
        shown.map((f) => `- ${f.name} = ${clip(f.expr, PROMPT_LIMITS.exprChars)} -> ${clip(f.reason, PROMPT_LIMITS.exprChars)}`).join('\n') +
        (more > 0 ? `\n(${more} older failures not shown)` : ''),
    );
  }
  if (ctx.importance !== undefined && ctx.importance.length > 0 && ctx.round >= Math.ceil(ctx.nRounds / 2)) {
    parts.push(`[Ranking of feature importance]\n${importanceList(ctx.importance)}`);
  }
  if (ctx.feedback.length > 0) {
    const best = [...ctx.feedback].sort((a, b) => b.gain - a.gain).slice(0, PROMPT_LIMITS.feedback);
    parts.push(
      '[History feedback: best features so far by gain]\n' +
        best.map((f, i) => `${i + 1}. ${f.name} = ${clip(f.expr, PROMPT_LIMITS.exprChars)} (gain ${signed(f.gain)})`).join('\n'),
    );
  }
  return parts.join('\n\n');
}

/**
 * The description JSON, one column per line, in table order. When the caps bite, the columns kept
 * are the most important ones (by the importance ranking, when the context has one, else the first
 * ones) and a note names the others.
 */
export function describeForPrompt(cols: readonly ColumnInfo[], ctx: Pick<ProposalContext, 'importance'>, enriched: boolean): string {
  const rank = new Map((ctx.importance ?? []).map((x, i) => [x.name, i]));
  const priority = cols.map((c, i) => ({ c, i })).sort((a, b) => (rank.get(a.c.name) ?? Infinity) - (rank.get(b.c.name) ?? Infinity) || a.i - b.i);
  const cap = enriched ? PROMPT_LIMITS.enrichedColumns : PROMPT_LIMITS.compactColumns;
  const lines = new Map<number, string>();
  let chars = 0;
  for (const { c, i } of priority) {
    if (lines.size >= cap) break;
    const line = `  ${JSON.stringify(c.name)}: ${JSON.stringify(enriched ? enrichedView(c) : compactView(c))}`;
    if (chars + line.length > PROMPT_LIMITS.descriptionChars && lines.size > 0) break;
    lines.set(i, line);
    chars += line.length;
  }
  let text = `{\n${[...lines.keys()].sort((a, b) => a - b).map((i) => lines.get(i)!).join(',\n')}\n}`;
  const hidden = cols.filter((_, i) => !lines.has(i)).map((c) => c.name);
  if (hidden.length > 0) {
    const listed = hidden.slice(0, 40).join(', ');
    text +=
      `\n(${lines.size} of ${cols.length} columns described${rank.size > 0 ? ', the most important ones' : ''}; ` +
      `${hidden.length} more exist: ${listed}${hidden.length > 40 ? `, … (${hidden.length - 40} more)` : ''})`;
  }
  return text;
}

const TEXT_CHARS = 40;

/** Type, missing ratio and the few statistics every agent needs. */
function compactView(c: ColumnInfo): Record<string, unknown> {
  const o: Record<string, unknown> = { type: c.raw['type'] ?? c.type, missing_ratio: c.missingRatio };
  switch (c.type) {
    case 'numeric':
      Object.assign(o, pick(c.raw, ['min', 'max', 'mean', 'std', 'skewness', 'n_distinct']));
      break;
    case 'categorical':
      Object.assign(o, { n_unique: c.distinct, values: c.values.slice(0, 5).map(short) });
      break;
    case 'datetime':
      Object.assign(o, { min: c.minDate, max: c.maxDate });
      break;
    case 'id':
      Object.assign(o, { n_unique: c.distinct, examples: c.values.slice(0, 2).map(short) });
      break;
    default:
      break;
  }
  return o;
}

/** Everything in the description except the name, with long lists and texts cut. */
function enrichedView(c: ColumnInfo): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c.raw)) {
    if (k === 'name') continue;
    if (Array.isArray(v)) o[k] = v.slice(0, 10).map((x) => (typeof x === 'string' ? short(x) : x));
    else if (typeof v === 'string') o[k] = short(v);
    else if (typeof v === 'object' && v !== null) o[k] = Object.fromEntries(Object.entries(v).slice(0, 12).map(([kk, vv]) => [short(kk), vv]));
    else o[k] = v;
  }
  return o;
}

/** MALMAS keeps the top share of columns: all up to 10 columns, 60% above 10, 40% above 20. */
function importanceList(imp: NonNullable<ProposalContext['importance']>): string {
  const n = imp.length;
  const keep = Math.min(PROMPT_LIMITS.importance, n <= 10 ? n : Math.max(10, Math.ceil(n * (n > 20 ? 0.4 : 0.6))));
  return imp
    .slice(0, keep)
    .map((x, i) => `${i + 1}. ${x.name}: ${(x.share * 100).toFixed(2)}%`)
    .join('\n');
}

/** The most recent names (lists grow in order of proposal), within the name and character caps. */
function nameList(names: readonly string[]): string {
  if (names.length === 0) return '(none)';
  const recent = names.slice(-PROMPT_LIMITS.names);
  let text = recent.join(', ');
  if (text.length > PROMPT_LIMITS.namesChars) text = `${text.slice(text.length - PROMPT_LIMITS.namesChars).replace(/^[^,]*,\s*/, '')}`;
  const listed = text.split(', ').length;
  return names.length > listed ? `${text} (and ${names.length - listed} earlier ones)` : text;
}

function pick(o: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

function short(s: string): string {
  return clip(s, TEXT_CHARS);
}

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

function present(s: string | undefined): boolean {
  return s !== undefined && s.trim() !== '';
}
