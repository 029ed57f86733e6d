/**
 * W&B sweep `command` macros, expanded as `wandb agent` does.
 *
 * Source (semantics only, read not copied): wandb/wandb `wandb/wandb_agent.py` (`Agent._command_run`)
 * and `wandb/sdk/launch/sweeps/utils.py` (`create_sweep_command`, `create_sweep_command_args`);
 * see also shared/reference/sweeps-semantics.md §1.8.
 *  1. `${envvar:NAME}` (NAME matching `[A-Z0-9_]*`) is substituted first inside any element; an
 *     unset variable leaves NAME itself.
 *  2. Then an element that starts with `${` and ends with `}` is replaced by the *list* vars[inner];
 *     an unknown macro expands to nothing. Every other element passes through unchanged, so a macro
 *     embedded in a longer string (`--prog=${program}`) is not expanded.
 *  3. An empty or missing template means the default `${env} ${interpreter} ${program} ${args}`.
 *
 * Differences, on purpose:
 *  - `${interpreter}`: W&B hard-codes `python`. We pick by the program's extension (see
 *    {@link defaultInterpreter}) unless the executor is given one.
 *  - `${args_dict}`: W&B exposes it by accident (it expands to the parameter *names*); we treat it as
 *    unknown.
 *  - `${envvar:NAME}` reads the environment the trial will run with (process env, executor env and
 *    the trial's `WANDB_*` / `FF_*` variables), a superset of what the W&B agent sees.
 */
import { accessSync, constants as fsConstants } from 'node:fs';
import { delimiter, extname, join } from 'node:path';
import type { ParamValue } from '../core/params.js';
import { pyJsonDumps, pyStr } from './pyformat.js';

export const DEFAULT_COMMAND: readonly string[] = ['${env}', '${interpreter}', '${program}', '${args}'];

/** Macro name (without `${` `}`) → the argv elements it expands to. */
export type MacroVars = Readonly<Record<string, readonly string[]>>;

export type Environ = Readonly<Record<string, string | undefined>>;

const ENVVAR_RE = /\$\{envvar:([A-Z0-9_]*)\}/g;

/** Replace every `${envvar:NAME}` in one element; an unset NAME leaves the name itself. */
export function substituteEnvVars(element: string, environ: Environ): string {
  return element.replace(ENVVAR_RE, (_m, name: string) => environ[name] ?? name);
}

/** The template with env vars substituted (the default when empty or missing). */
function prepare(template: readonly string[] | undefined, environ: Environ): string[] {
  const t = template && template.length > 0 ? template : DEFAULT_COMMAND;
  return t.map((el) => substituteEnvVars(String(el), environ));
}

function macroName(element: string): string | undefined {
  return element.startsWith('${') && element.endsWith('}') && element.length >= 3 ? element.slice(2, -1) : undefined;
}

/** argv from a W&B command template (see the header for the rules). */
export function expandCommand(template: readonly string[] | undefined, vars: MacroVars, environ: Environ = process.env): string[] {
  const argv: string[] = [];
  for (const el of prepare(template, environ)) {
    const name = macroName(el);
    if (name === undefined) argv.push(el);
    else if (Object.prototype.hasOwnProperty.call(vars, name)) argv.push(...vars[name]!);
  }
  return argv;
}

/** True when an element of the template is exactly `${name}` after env substitution (W&B's test for writing the JSON file). */
export function commandUsesMacro(template: readonly string[] | undefined, name: string, environ: Environ = process.env): boolean {
  return prepare(template, environ).includes(`\${${name}}`);
}

export interface MacroInputs {
  /** Top-level config: one entry per top-level parameter, nested groups as objects (W&B's `args`). */
  readonly config: Readonly<Record<string, ParamValue>>;
  readonly program?: string;
  /** argv prefix for `${interpreter}`. */
  readonly interpreter: readonly string[];
  /** Path for `${args_json_file}`. */
  readonly argsJsonFile?: string;
  /** Defaults to `process.platform`; `${env}` is omitted on Windows. */
  readonly platform?: NodeJS.Platform;
}

/** Every macro W&B's agent defines, from the trial's config. */
export function buildMacroVars(inputs: MacroInputs): Record<string, string[]> {
  const args: string[] = [];
  const noHyphens: string[] = [];
  const noEquals: string[] = [];
  const noBooleanFlags: string[] = [];
  const appendHydra: string[] = [];
  const overrideHydra: string[] = [];
  for (const [k, v] of Object.entries(inputs.config)) {
    const flag = `${k}=${pyStr(v)}`;
    args.push(`--${flag}`);
    noHyphens.push(flag);
    noEquals.push(`--${k}`, pyStr(v));
    appendHydra.push(`+${flag}`);
    overrideHydra.push(`++${flag}`);
    if (typeof v === 'boolean') {
      if (v) noBooleanFlags.push(`--${k}`);
    } else noBooleanFlags.push(`--${flag}`);
  }
  const vars: Record<string, string[]> = {
    interpreter: [...inputs.interpreter],
    program: inputs.program === undefined ? [] : [inputs.program],
    args,
    args_no_hyphens: noHyphens,
    args_no_equals: noEquals,
    args_no_boolean_flags: noBooleanFlags,
    args_json: [pyJsonDumps(inputs.config as Record<string, ParamValue>)],
    args_append_hydra: appendHydra,
    args_override_hydra: overrideHydra,
  };
  if (inputs.argsJsonFile !== undefined) vars.args_json_file = [inputs.argsJsonFile];
  if ((inputs.platform ?? process.platform) !== 'win32') vars.env = ['/usr/bin/env'];
  return vars;
}

/** First executable named `name` on PATH, or undefined. */
export function findOnPath(name: string, environ: Environ = process.env): string | undefined {
  const dirs = (environ.PATH ?? environ.Path ?? '').split(delimiter).filter((d) => d !== '');
  const exts = process.platform === 'win32' ? (environ.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      try {
        accessSync(candidate, fsConstants.X_OK);
        return candidate;
      } catch {
        // not here; keep looking
      }
    }
  }
  return undefined;
}

/**
 * `${interpreter}` when none is configured, chosen by the program's extension:
 * `.js`/`.mjs`/`.cjs` → this Node (`process.execPath`); `.sh` → `bash`; anything else (`.py`, no
 * program, unknown extensions) → `python`, or `python3` when `python` is not on PATH (W&B always
 * says `python`).
 */
export function defaultInterpreter(program: string | undefined, environ: Environ = process.env): string[] {
  const ext = program === undefined ? '' : extname(program).toLowerCase();
  if (ext === '.js' || ext === '.mjs' || ext === '.cjs') return [process.execPath];
  if (ext === '.sh') return ['bash'];
  if (findOnPath('python', environ) === undefined && findOnPath('python3', environ) !== undefined) return ['python3'];
  return ['python'];
}
