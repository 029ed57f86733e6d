/**
 * The files and environment a command trial gets, laid out where `wandb agent` puts them so that
 * unmodified `wandb.init()` scripts find their config.
 *
 * Source (semantics only): wandb/wandb `wandb/wandb_agent.py` (`Agent._command_run`) and
 * `wandb/sdk/lib/config_util.py` (`save_config_file_from_dict`): the run's config goes to
 * `$WANDB_DIR/wandb/sweep-<sweepId>/config-<runId>.yaml` as `wandb_version: 1`, a blank line, then a
 * block-style YAML dump of `{param: {value: v}}` in the server's key order;
 * `WANDB_SWEEP_PARAM_PATH` points at it. `${args_json_file}` is `config-<runId>.json` next to it.
 * We set `WANDB_DIR` to the trial directory, so every trial's files stay in its own directory.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import type { ParamValue } from '../core/params.js';
import type { TrialSpec } from './types.js';
import type { Environ } from './macros.js';
import { pyJsonDumps, pyYamlFloat } from './pyformat.js';

export interface CommandTrialPaths {
  /** The trial directory (absolute); also `WANDB_DIR` and `FF_TRIAL_DIR`. */
  readonly dir: string;
  /** `WANDB_SWEEP_PARAM_PATH`: W&B's YAML config. */
  readonly paramYaml: string;
  /** `${args_json_file}`: `json.dumps` of the top-level config (written only when the macro is used). */
  readonly argsJson: string;
  /** `FF_CONFIG_PATH`: the nested config as plain JSON (always written). */
  readonly configJson: string;
  /** Non-metric stdout and all stderr. */
  readonly log: string;
}

export function commandTrialPaths(trial: TrialSpec, dir: string): CommandTrialPaths {
  const sweepDir = join(dir, 'wandb', `sweep-${trial.sweepId}`);
  return {
    dir,
    paramYaml: join(sweepDir, `config-${trial.trialId}.yaml`),
    argsJson: join(sweepDir, `config-${trial.trialId}.json`),
    configJson: join(dir, 'config.json'),
    log: join(dir, 'output.log'),
  };
}

// Non-integer (and huge) numbers as PyYAML writes floats; YAML 1.1 mode quotes strings such as
// `yes`/`on` that PyYAML would otherwise read as booleans.
const PY_FLOAT_TAG = {
  identify: (v: unknown): boolean => typeof v === 'number' && !Number.isSafeInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^(?!)/, // stringify only: resolution is left to the built-in float tags
  resolve: (s: string): number => Number.parseFloat(s),
  stringify: (node: { value?: unknown }): string => pyYamlFloat(Number(node.value)),
};

/** W&B's `config-<runId>.yaml` for a top-level config. */
export function wandbConfigYaml(config: Readonly<Record<string, ParamValue>>): string {
  const wrapped: Record<string, { value: ParamValue }> = {};
  for (const [k, v] of Object.entries(config)) wrapped[k] = { value: v };
  let text = 'wandb_version: 1';
  if (Object.keys(wrapped).length > 0) {
    text += '\n\n' + stringify(wrapped, { version: '1.1', customTags: (tags) => [PY_FLOAT_TAG, ...tags], lineWidth: 0 });
  }
  return text;
}

/** Variables of the trial, on top of the base environment (later wins: base, extra, trial). */
export function trialEnvironment(trial: TrialSpec, paths: CommandTrialPaths, base: Environ, extra?: Readonly<Record<string, string>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(base)) if (v !== undefined) env[k] = v;
  Object.assign(env, extra);
  // The W&B agent drops this so the child does not attach to the agent's own wandb service.
  delete env.WANDB_SERVICE;
  Object.assign(env, {
    WANDB_SWEEP_ID: trial.sweepId,
    WANDB_RUN_ID: trial.trialId,
    WANDB_DIR: paths.dir,
    WANDB_SWEEP_PARAM_PATH: paths.paramYaml,
    FF_SWEEP_ID: trial.sweepId,
    FF_TRIAL_ID: trial.trialId,
    FF_TRIAL_NUMBER: String(trial.number),
    FF_TRIAL_ATTEMPT: String(trial.attempt),
    FF_CONFIG_PATH: paths.configJson,
    FF_TRIAL_DIR: paths.dir,
  });
  return env;
}

/** Writes config.json, the W&B YAML and, if asked, the args JSON file. */
export async function writeTrialFiles(trial: TrialSpec, paths: CommandTrialPaths, withArgsJson: boolean): Promise<void> {
  await mkdir(dirname(paths.paramYaml), { recursive: true });
  await writeFile(paths.configJson, JSON.stringify(trial.config, null, 2) + '\n');
  await writeFile(paths.paramYaml, wandbConfigYaml(trial.config));
  if (withArgsJson) await writeFile(paths.argsJson, pyJsonDumps(trial.config as Record<string, ParamValue>));
}
