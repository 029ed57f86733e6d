/**
 * Project settings, in three layers (later wins): `config/settings.yaml` (or `--settings FILE` /
 * `FF_SETTINGS`), environment variables `FF_<SECTION>__<KEY>` (`FF_TRACKER__BACKEND=mlflow`), and
 * the command's flags. A sweep file's `project` / `entity` then apply to its own runs.
 *
 * Every value is checked once, here; a bad one is an FFError naming the key, the value, where it
 * came from (file, environment variable or flag) and what would be valid. Unknown keys in the file
 * or in `FF_…__…` variables are errors too (a typo must not silently fall back to a default).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { EXIT, FFError, describeError } from '../core/errors.js';
import { didYouMean } from '../config/suggest.js';

type Kind = { readonly type: 'string' | 'optional-string' } | { readonly type: 'enum'; readonly choices: readonly string[] } | { readonly type: 'number'; readonly min: number; readonly int?: boolean };

interface Spec {
  readonly kind: Kind;
  readonly default: string | number | null;
  readonly describe: string;
  /** Older environment variable names that keep working. */
  readonly aliases?: readonly string[];
}

export const TRACKER_CHOICES = ['local', 'wandb', 'mlflow', 'none'] as const;

const SPECS = {
  'tracker.backend': { kind: { type: 'enum', choices: TRACKER_CHOICES }, default: 'local', describe: 'where trial runs are tracked' },
  'tracker.project': { kind: { type: 'optional-string' }, default: null, describe: 'W&B project / MLflow experiment (a sweep file’s `project` wins; default WANDB_PROJECT / MLFLOW_EXPERIMENT_NAME, else feature-forge)' },
  'tracker.entity': { kind: { type: 'optional-string' }, default: null, describe: 'W&B entity (a sweep file’s `entity` wins)' },
  'tracker.timeout_seconds': { kind: { type: 'number', min: 0.05 }, default: 10, describe: 'bound on one call to a tracking server' },
  'tracker.retries': { kind: { type: 'number', min: 0, int: true }, default: 3, describe: 'retries of a failed call before the run is kept locally for `ff sync`' },
  runs_dir: { kind: { type: 'string' }, default: 'runs', describe: 'folder of sweeps, trials and local runs', aliases: ['FF_RUNS_DIR'] },
  'redis.url': { kind: { type: 'optional-string' }, default: null, describe: 'Redis of the distributed commands', aliases: ['FF_REDIS_URL', 'REDIS_URL'] },
  'redis.prefix': { kind: { type: 'string' }, default: 'ff', describe: 'key prefix separating deployments', aliases: ['FF_REDIS_PREFIX'] },
  'llm.provider': { kind: { type: 'enum', choices: ['offline', 'openai'] }, default: 'offline', describe: 'MALMAS proposer: offline (not an LLM) or openai (any OpenAI-compatible endpoint)' },
  'llm.model': { kind: { type: 'optional-string' }, default: null, describe: 'LLM model (default deepseek-chat)' },
  'llm.base_url': { kind: { type: 'optional-string' }, default: null, describe: 'OpenAI-compatible endpoint', aliases: ['FF_LLM_BASE_URL'] },
} as const satisfies Record<string, Spec>;

export type SettingKey = keyof typeof SPECS;
export const SETTING_KEYS = Object.keys(SPECS) as SettingKey[];

export interface Settings {
  readonly tracker: { readonly backend: (typeof TRACKER_CHOICES)[number]; readonly project?: string; readonly entity?: string; readonly timeoutMs: number; readonly retries: number };
  readonly runsDir: string;
  readonly redis: { readonly url?: string; readonly prefix: string };
  readonly llm: { readonly provider: 'offline' | 'openai'; readonly model?: string; readonly baseUrl?: string };
  /** Where each value came from: `default`, the file path, `environment FF_…` or `--flag`. */
  readonly sources: Readonly<Record<SettingKey, string>>;
  /** The settings file read, if any. */
  readonly file?: string;
}

export interface SettingsInput {
  /** `--settings FILE`; else FF_SETTINGS; else ./config/settings.yaml when it exists. */
  readonly file?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Values from flags, by key (undefined = not given). */
  readonly flags?: Partial<Record<SettingKey, string | number | undefined>>;
  /** Flag names for messages (`tracker.backend` → `--tracker`). */
  readonly flagNames?: Partial<Record<SettingKey, string>>;
  readonly cwd?: string;
}

export function loadSettings(input: SettingsInput = {}): Settings {
  const env = input.env ?? process.env;
  const cwd = input.cwd ?? process.cwd();
  const values: Record<string, string | number | null> = {};
  const sources: Record<string, string> = {};
  for (const k of SETTING_KEYS) {
    values[k] = SPECS[k].default;
    sources[k] = 'default';
  }
  const problems: string[] = [];
  const set = (key: string, raw: unknown, source: string): void => {
    if (!(key in SPECS)) {
      problems.push(`${source}: unknown setting '${key}'${didYouMean(key, SETTING_KEYS)}; known settings: ${SETTING_KEYS.join(', ')}`);
      return;
    }
    const k = key as SettingKey;
    const checked = check(SPECS[k], raw);
    if (typeof checked === 'object' && checked !== null && 'error' in checked) problems.push(`${source}: ${k} = ${JSON.stringify(raw)} is not valid: ${checked.error}`);
    else {
      values[k] = checked as string | number | null;
      sources[k] = source;
    }
  };

  const explicit = input.file ?? env['FF_SETTINGS'];
  const file = explicit !== undefined && explicit !== '' ? resolve(cwd, explicit) : existsSync(resolve(cwd, 'config/settings.yaml')) ? resolve(cwd, 'config/settings.yaml') : undefined;
  if (file !== undefined) {
    let doc: unknown;
    try {
      doc = parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const missing = (err as { code?: string }).code === 'ENOENT';
      throw new FFError('FF_CONFIG_PARSE', `${file}: cannot read the settings (${missing ? 'no such file' : describeError(err).split('\n')[0]})`, EXIT.usage);
    }
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) throw new FFError('FF_CONFIG_INVALID', `${file}: settings must be a mapping of sections (tracker:, redis:, llm:, runs_dir:)`, EXIT.usage);
      for (const [key, raw] of flattenYaml(doc as Record<string, unknown>)) set(key, raw, file);
    }
  }

  const aliasOf = new Map<string, SettingKey>();
  for (const k of SETTING_KEYS) for (const a of (SPECS[k] as Spec).aliases ?? []) aliasOf.set(a, k);
  // aliases first (REDIS_URL before FF_REDIS_URL: listed in reverse precedence), then FF_…__… names
  for (const k of SETTING_KEYS) {
    for (const a of [...((SPECS[k] as Spec).aliases ?? [])].reverse()) {
      const v = env[a];
      if (v !== undefined && v !== '') set(k, v, `environment ${a}`);
    }
  }
  for (const [name, v] of Object.entries(env)) {
    if (!name.startsWith('FF_') || !name.includes('__') || v === undefined) continue;
    const key = name.slice(3).toLowerCase().split('__').join('.');
    set(key, v, `environment ${name}`);
  }
  for (const k of SETTING_KEYS) {
    const v = input.flags?.[k];
    if (v !== undefined) set(k, v, input.flagNames?.[k] ?? `--${k}`);
  }
  if (problems.length > 0) throw new FFError('FF_CONFIG_INVALID', problems.length === 1 ? problems[0]! : `invalid settings:\n${problems.map((p) => `  - ${p}`).join('\n')}`, EXIT.usage);

  const str = (k: SettingKey): string => String(values[k]);
  const opt = (k: SettingKey): string | undefined => (values[k] === null ? undefined : String(values[k]));
  return {
    tracker: {
      backend: str('tracker.backend') as Settings['tracker']['backend'],
      ...(opt('tracker.project') !== undefined ? { project: opt('tracker.project')! } : {}),
      ...(opt('tracker.entity') !== undefined ? { entity: opt('tracker.entity')! } : {}),
      timeoutMs: Number(values['tracker.timeout_seconds']) * 1000,
      retries: Number(values['tracker.retries']),
    },
    runsDir: resolve(cwd, str('runs_dir')),
    redis: { ...(opt('redis.url') !== undefined ? { url: opt('redis.url')! } : {}), prefix: str('redis.prefix') },
    llm: {
      provider: str('llm.provider') as 'offline' | 'openai',
      ...(opt('llm.model') !== undefined ? { model: opt('llm.model')! } : {}),
      ...(opt('llm.base_url') !== undefined ? { baseUrl: opt('llm.base_url')! } : {}),
    },
    sources: sources as Record<SettingKey, string>,
    ...(file !== undefined ? { file } : {}),
  };
}

let chosenFile: string | undefined;
const cache = new Map<string, Settings>();

/** Selects the settings file for this process (the global `--settings` flag). */
export function useSettingsFile(file: string | undefined): void {
  chosenFile = file;
  cache.clear();
}

/** This process's settings, with `flags` on top (read once per distinct set of flags). */
export function settings(flags: Partial<Record<SettingKey, string | number | undefined>> = {}): Settings {
  const given = Object.fromEntries(Object.entries(flags).filter(([, v]) => v !== undefined)) as Partial<Record<SettingKey, string | number>>;
  const key = JSON.stringify(given);
  let s = cache.get(key);
  if (s === undefined) {
    s = loadSettings({ ...(chosenFile !== undefined ? { file: chosenFile } : {}), flags: given, flagNames: FLAG_NAMES });
    cache.set(key, s);
  }
  return s;
}

const FLAG_NAMES: Partial<Record<SettingKey, string>> = {
  'tracker.backend': '--tracker',
  'tracker.project': '--project',
  'tracker.entity': '--entity',
  runs_dir: '--runs-dir',
  'redis.url': '--redis',
  'redis.prefix': '--prefix',
  'llm.provider': '--llm',
  'llm.model': '--model',
  'llm.base_url': '--base-url',
};

/** The settings as documented (for `config/settings.yaml` and `--help`). */
export function describeSettings(): Array<{ key: SettingKey; default: string | number | null; describe: string; env: string }> {
  return SETTING_KEYS.map((k) => ({ key: k, default: SPECS[k].default, describe: SPECS[k].describe, env: `FF_${k.toUpperCase().split('.').join('__')}` }));
}

function check(spec: Spec, raw: unknown): string | number | null | { error: string } {
  const k = spec.kind;
  if (raw === null || (typeof raw === 'string' && raw.trim() === '' && k.type === 'optional-string')) {
    return k.type === 'optional-string' ? null : { error: 'a value is required' };
  }
  if (k.type === 'number') {
    const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
    if (!Number.isFinite(n) || n < k.min || (k.int === true && !Number.isInteger(n))) return { error: `it must be ${k.int === true ? 'an integer' : 'a number'} ≥ ${k.min}` };
    return n;
  }
  if (typeof raw !== 'string' && typeof raw !== 'number') return { error: 'it must be a string' };
  const s = String(raw);
  if (k.type === 'enum' && !k.choices.includes(s)) return { error: `valid values: ${k.choices.join(', ')}${didYouMean(s, k.choices)}` };
  if (s.trim() === '') return { error: 'it must not be empty' };
  return s;
}

/** `{tracker: {backend: x}}` → [['tracker.backend', x]]; a section that is not a mapping stays one key. */
function flattenYaml(doc: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(doc)) {
    const key = prefix === '' ? k : `${prefix}.${k}`;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(key in SPECS)) out.push(...flattenYaml(v as Record<string, unknown>, key));
    else out.push([key, v]);
  }
  return out;
}
