/**
 * W&B's HTTP API as the official client speaks it, without `@wandb/sdk`. Sources read
 * (github.com/wandb/wandb @ b6e2950, 2026-08):
 *  - wandb/sdk/internal/internal_api.py, core/internal/gql/gql_gen.go: GraphQL at `<base>/graphql`,
 *    HTTP basic `api:<key>`; `UpsertBucket` (modelName = project, entityName, name = run id, config
 *    as a JSONString), `Viewer { viewer { entity } }`, `CreateRunFiles` (runID, uploadHeaders as
 *    "Key: Value" strings, files { name uploadUrl }).
 *  - core/internal/filestream/*.go, wandb/sdk/internal/file_stream.py: POST
 *    `<base>/files/<entity>/<project>/<run>/file_stream` with `{files: {<name>: {offset, content}}}`,
 *    `uploaded: [...]`, and finally `complete` + `exitcode`.
 *  - core/internal/filetransfer/file_transfer_default.go, core/internal/stream/stream_init.go: the
 *    bytes go by PUT to the signed upload URL with the upload headers and *without* the API key
 *    (credentials are limited to the base URL).
 *  - core/internal/clients/retry_policy.go (UpsertBucketRetryPolicy: 409 is retried).
 * Retrying, timeouts and buffering are resilient.ts's job; this module only says what failed.
 */
import { createHash } from 'node:crypto';
import { basicAuth, httpJson, httpRequest } from './http.js';
import { TrackerRemoteError } from './sink.js';

export interface RunRef {
  readonly entity: string;
  readonly project: string;
  /** The W&B run id (`name` in GraphQL). */
  readonly name: string;
}

export interface UpsertInput {
  readonly name: string;
  readonly project: string;
  readonly entity: string;
  readonly groupName?: string;
  readonly displayName?: string;
  readonly notes?: string;
  readonly tags?: readonly string[];
  /** Already in W&B's config format, serialized (see `encodeConfig`). */
  readonly config?: string;
}

/** One file_stream request body (core/internal/filestream/filestreamrequest.go FileStreamRequestJSON). */
export interface FileStreamBody {
  readonly files?: Readonly<Record<string, { readonly offset: number; readonly content: readonly string[] }>>;
  readonly uploaded?: readonly string[];
  readonly complete?: boolean;
  readonly exitcode?: number;
}

export interface UploadTargets {
  readonly headers: Readonly<Record<string, string>>;
  readonly urls: ReadonlyMap<string, string>;
}

const UPSERT_BUCKET = `mutation UpsertBucket($name: String, $project: String, $entity: String, $groupName: String, $displayName: String, $notes: String, $config: JSONString, $tags: [String!]) {
  upsertBucket(input: {name: $name, modelName: $project, entityName: $entity, groupName: $groupName, displayName: $displayName, notes: $notes, config: $config, tags: $tags}) {
    bucket { id name displayName project { id name entity { id name } } historyLineCount }
    inserted
  }
}`;

const VIEWER = `query Viewer { viewer { id entity username } }`;

const CREATE_RUN_FILES = `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
    runID
    uploadHeaders
    files { name uploadUrl }
  }
}`;

interface BucketAnswer {
  readonly bucket?: {
    readonly name?: string;
    readonly project?: { readonly name?: string; readonly entity?: { readonly name?: string } | null } | null;
  } | null;
}

interface CreateRunFilesAnswer {
  readonly runID?: string | null;
  readonly uploadHeaders?: readonly string[] | null;
  readonly files?: ReadonlyArray<{ readonly name: string; readonly uploadUrl?: string | null }> | null;
}

interface GraphqlAnswer {
  readonly data?: Readonly<Record<string, unknown>> | null;
  readonly errors?: ReadonlyArray<{ readonly message?: string }> | null;
}

/** GraphQL messages that mean "these credentials may not do this": retrying cannot help. */
const DENIED = /permission|not authori[sz]ed|unauthori[sz]ed|forbidden|not logged in|api key|access denied/i;
/** GraphQL messages that describe a passing server condition. */
const TRANSIENT = /timed? ?out|timeout|temporar|try again|unavailable|rate limit|too many requests|deadline|internal server error/i;

export class WandbApi {
  private readonly auth: string;

  constructor(
    readonly baseUrl: string,
    apiKey: string,
    /** Where a user gets a key (for messages). */
    private readonly keyPage: string,
  ) {
    this.auth = basicAuth('api', apiKey);
  }

  /** The default entity of the key's user (`viewer { entity }`). */
  async viewerEntity(signal: AbortSignal): Promise<string> {
    const viewer = (await this.graphql('Viewer', 'viewer', VIEWER, {}, signal, {})) as { entity?: string | null } | null;
    if (typeof viewer?.entity !== 'string' || viewer.entity === '') {
      throw new TrackerRemoteError(`W&B at ${this.baseUrl} did not say which entity WANDB_API_KEY belongs to; set WANDB_ENTITY (your user or team name)`, false);
    }
    return viewer.entity;
  }

  /** Creates or updates a run; only the fields given are changed (W&B treats null as "keep"). */
  async upsertBucket(input: UpsertInput, signal: AbortSignal): Promise<RunRef> {
    const variables: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(input) as Array<[string, unknown]>) if (v !== undefined) variables[k] = v;
    const ctx = { entity: input.entity, project: input.project };
    let answer: BucketAnswer;
    try {
      answer = (await this.graphql('UpsertBucket', 'upsertBucket', UPSERT_BUCKET, variables, signal, ctx)) as BucketAnswer;
    } catch (err) {
      // W&B's own client retries 409 on this mutation (concurrent upserts of one run)
      if (err instanceof TrackerRemoteError && err.status === 409) throw new TrackerRemoteError(err.message, true, 409, err.retryAfterMs);
      throw err;
    }
    const bucket = answer?.bucket;
    if (bucket === undefined || bucket === null) throw new TrackerRemoteError(`W&B UpsertBucket: ${this.baseUrl} answered without the run`, true);
    return {
      name: bucket.name ?? input.name,
      project: bucket.project?.name ?? input.project,
      entity: bucket.project?.entity?.name ?? input.entity,
    };
  }

  /** Signed upload URLs for run files (paths relative to the run's files folder). */
  async createRunFiles(run: RunRef, files: readonly string[], signal: AbortSignal): Promise<UploadTargets> {
    const variables = { entity: run.entity, project: run.project, run: run.name, files };
    const answer = (await this.graphql('CreateRunFiles', 'createRunFiles', CREATE_RUN_FILES, variables, signal, run)) as CreateRunFilesAnswer | null;
    if (answer?.runID === undefined || answer.runID === null || answer.runID === '') {
      throw new TrackerRemoteError(
        `W&B CreateRunFiles: no run ${run.entity}/${run.project}/${run.name} to upload to; check that WANDB_API_KEY may write to entity "${run.entity}" and project "${run.project}"`,
        false,
      );
    }
    const headers: Record<string, string> = {};
    for (const h of answer.uploadHeaders ?? []) {
      const at = h.indexOf(':');
      if (at > 0) headers[h.slice(0, at).trim()] = h.slice(at + 1).trim();
    }
    const urls = new Map<string, string>();
    for (const f of answer.files ?? []) if (typeof f.uploadUrl === 'string' && f.uploadUrl !== '') urls.set(f.name, f.uploadUrl);
    const missing = files.filter((f) => !urls.has(f));
    if (missing.length > 0) throw new TrackerRemoteError(`W&B CreateRunFiles: no upload URL for ${missing.slice(0, 3).join(', ')}`, true);
    return { headers, urls };
  }

  /** PUT to a signed URL: no API key (it may point at cloud storage, which rejects extra auth). */
  async upload(url: string, headers: Readonly<Record<string, string>>, bytes: Uint8Array, file: string, signal: AbortSignal): Promise<void> {
    await httpRequest(url, { method: 'PUT', headers: { ...headers }, body: bytes, signal }, `W&B upload of ${file}`);
  }

  async fileStream(run: RunRef, body: FileStreamBody, signal: AbortSignal): Promise<void> {
    const path = [run.entity, run.project, run.name].map(encodeURIComponent).join('/');
    const what = `W&B file_stream of ${run.entity}/${run.project}/${run.name}`;
    try {
      await httpJson(`${this.baseUrl}/files/${path}/file_stream`, { json: body, headers: this.headers(), signal }, what);
    } catch (err) {
      throw this.explain(err, run);
    }
  }

  private headers(): Record<string, string> {
    return { authorization: this.auth, 'user-agent': 'feature-forge (W&B HTTP API)' };
  }

  private async graphql(op: string, field: string, query: string, variables: Record<string, unknown>, signal: AbortSignal, ctx: Partial<RunRef>): Promise<unknown> {
    const what = `W&B ${op}`;
    let answer: GraphqlAnswer;
    try {
      answer = await httpJson<GraphqlAnswer>(`${this.baseUrl}/graphql`, { json: { query, variables, operationName: op }, headers: this.headers(), signal }, what);
    } catch (err) {
      throw this.explain(err, ctx);
    }
    const messages = (answer.errors ?? []).map((e) => e.message ?? '(no message)');
    if (messages.length > 0) {
      const text = messages.join('; ');
      if (DENIED.test(text)) throw new TrackerRemoteError(`${what}: W&B refused: ${text}. ${this.accessHint(ctx)}`, false);
      throw new TrackerRemoteError(`${what}: W&B answered with an error: ${text}`, TRANSIENT.test(text));
    }
    if (answer.data === undefined || answer.data === null || !(field in answer.data)) {
      throw new TrackerRemoteError(`${what}: ${this.baseUrl} answered without "${field}"; is WANDB_BASE_URL a W&B server?`, true);
    }
    return answer.data[field];
  }

  /** Adds what to do to HTTP failures a user can fix (credentials, entity, project). */
  private explain(err: unknown, ctx: Partial<RunRef>): unknown {
    if (!(err instanceof TrackerRemoteError)) return err;
    if (err.status === 401) {
      return new TrackerRemoteError(`${err.message}. W&B did not accept WANDB_API_KEY: check it (a key is at ${this.keyPage})`, false, 401);
    }
    if (err.status === 403) return new TrackerRemoteError(`${err.message}. ${this.accessHint(ctx)}`, false, 403);
    if (err.status === 404 && ctx.name !== undefined) {
      return new TrackerRemoteError(`${err.message}. W&B has no run ${ctx.entity}/${ctx.project}/${ctx.name}; check WANDB_ENTITY and WANDB_PROJECT`, false, 404);
    }
    return err;
  }

  private accessHint(ctx: Partial<RunRef>): string {
    const where = ctx.entity !== undefined ? `entity "${ctx.entity}"${ctx.project !== undefined ? ` and project "${ctx.project}"` : ''}` : 'this W&B server';
    return `Check that WANDB_API_KEY is valid and may write to ${where} (WANDB_ENTITY / WANDB_PROJECT)`;
  }
}

// ---- W&B's formats and limits (pure) ----

export const LIMITS = {
  /** wandb/util.py MAX_LINE_BYTES, core defaultMaxFileLineBytes: "imposed by back end". */
  lineBytes: (10 << 20) - (100 << 10),
  /** file_stream_utils.split_files splits a request at MAX_LINE_BYTES (core: ~10 MiB). */
  requestBytes: (10 << 20) - (100 << 10),
  /** file_stream.py MAX_ITEMS_PER_PUSH. */
  requestLines: 10_000,
  /** table.py Table.MAX_ROWS: a run-file table holds at most this many rows. */
  tableRows: 10_000,
  /** wandb_settings.py validate_run_tags: 1..64 characters. */
  tagLength: 64,
  /** W&B rejects longer run and display names (wandb/wandb#4208-style 400s). */
  nameLength: 128,
} as const;

/**
 * JSON as W&B's clients write it: NaN and ±Infinity as bare literals (Python's json, core's
 * simplejsonext), which W&B's backend reads; JSON.stringify would turn them into null.
 */
export function wbJson(value: unknown, seen: Set<object> = new Set()): string {
  if (typeof value === 'number') return Number.isFinite(value) ? JSON.stringify(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return JSON.stringify(value);
  if (typeof value !== 'object') return 'null';
  const withJson = value as { toJSON?: () => unknown };
  if (typeof withJson.toJSON === 'function') return wbJson(withJson.toJSON(), seen);
  if (seen.has(value)) return '"[circular]"';
  seen.add(value);
  let out: string;
  if (Array.isArray(value)) out = `[${value.map((v: unknown) => (v === undefined || typeof v === 'function' ? 'null' : wbJson(v, seen))).join(',')}]`;
  else {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined && typeof v !== 'function') parts.push(`${JSON.stringify(k)}:${wbJson(v, seen)}`);
    out = `{${parts.join(',')}}`;
  }
  seen.delete(value);
  return out;
}

/** W&B's config format (wandb/sdk/internal/sender_config.py): `{key: {desc: null, value}}`, nesting kept. */
export function encodeConfig(config: Readonly<Record<string, unknown>>): string {
  const out: Record<string, { desc: null; value: unknown }> = {};
  for (const [k, v] of Object.entries(config)) if (v !== undefined) out[k] = { desc: null, value: v };
  return wbJson(out);
}

/** Splits lines into requests within W&B's size limits; a single over-long line is the caller's to reject. */
export function chunkLines(lines: readonly string[], maxBytes: number = LIMITS.requestBytes, maxLines: number = LIMITS.requestLines): string[][] {
  const chunks: string[][] = [];
  let cur: string[] = [];
  let size = 0;
  for (const line of lines) {
    const n = Buffer.byteLength(line);
    if (cur.length > 0 && (size + n > maxBytes || cur.length >= maxLines)) {
      chunks.push(cur);
      cur = [];
      size = 0;
    }
    cur.push(line);
    size += n;
  }
  if (cur.length > 0) chunks.push(cur);
  return chunks;
}

/**
 * A W&B run id for `id`. W&B refuses `:;,#?/'` (wandb_settings.py validate_run_id) and the older
 * documented `/\#?%:`; whitespace breaks URLs. A changed id gets a hash of the original, so two
 * ids that differ only in such characters stay two runs, and the same id always maps the same way.
 */
export function wandbRunId(id: string): string {
  const clean = id.trim().replace(/[\s/\\#?%:;,']+/g, '-');
  if (clean === id && clean !== '' && clean.length <= LIMITS.nameLength) return clean;
  const tag = createHash('sha256').update(id).digest('hex').slice(0, 8);
  return `${clean.slice(0, LIMITS.nameLength - 9) || 'run'}-${tag}`;
}

/** Non-empty, at most 64 characters, each once (W&B answers 400 to a longer tag). */
export function wandbTags(tags: readonly string[]): string[] {
  const out = new Set<string>();
  for (const t of tags) {
    const s = t.trim().slice(0, LIMITS.tagLength);
    if (s !== '') out.add(s);
  }
  return [...out];
}

/** W&B's project-name rule (wandb_settings.py validate_project), or undefined when fine. */
export function projectProblem(project: string): string | undefined {
  if (project.trim() === '') return 'the W&B project name is empty; set WANDB_PROJECT or the tracker project';
  if (project.length > 128) return `W&B project name "${project.slice(0, 40)}..." is longer than 128 characters; choose a shorter WANDB_PROJECT`;
  const bad = [...new Set(project.match(/[/\\#?%:]/g) ?? [])];
  return bad.length > 0 ? `W&B project name "${project}" contains ${bad.join(' ')}; W&B does not allow / \\ # ? % : in project names` : undefined;
}

/** A run-file path W&B accepts (util.make_file_path_upload_safe): relative, no `.`/`..` segments. */
export function safeRunPath(path: string): string {
  const parts = path.replace(/\\/g, '/').split('/').filter((p) => p !== '');
  const safe = parts.map((p) => (p === '.' || p === '..' ? p.replace(/\./g, '_') : p)).join('/');
  return safe === '' ? 'unnamed' : safe;
}

/** The UI for an API URL (wandb/util.py api_to_app_url; WANDB_APP_URL wins, as in util.app_url). */
export function appUrlFor(baseUrl: string, appUrl?: string): string {
  if (appUrl !== undefined && appUrl.trim() !== '') return appUrl.trim().replace(/\/+$/, '');
  if (baseUrl.includes('://api.wandb.test')) return baseUrl.replace('://api.', '://app.');
  if (baseUrl.includes('://api.wandb.')) return baseUrl.replace('://api.', '://');
  if (baseUrl.includes('://api.')) return baseUrl.replace('://api.', '://app.');
  return baseUrl;
}

/** `<app>/<entity>/<project>/runs/<id>` (wandb_settings.py run_url, which keeps `=+&$@` unescaped). */
export function runUrl(appUrl: string, run: RunRef): string {
  const q = (s: string): string => encodeURIComponent(s).replace(/%(3D|2B|26|24|40)/g, (m) => decodeURIComponent(m));
  return `${appUrl}/${q(run.entity)}/${q(run.project)}/runs/${q(run.name)}`;
}
