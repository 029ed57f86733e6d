/**
 * A small in-process W&B server for tests (node:http on 127.0.0.1, port 0). It speaks the part of
 * W&B's HTTP API that src/tracker/wandb.ts uses, with W&B's JSON shapes (checked against
 * github.com/wandb/wandb: wandb/sdk/internal/internal_api.py, core/internal/gql/gql_gen.go,
 * core/internal/filestream/*.go):
 *  - POST /graphql: the operation is parsed (operation type, variable definitions, the top field
 *    and its `input: {...}` argument); `viewer`, `upsertBucket` and `createRunFiles` answer with
 *    only the fields selected, and unknown fields or missing required variables are GraphQL
 *    errors, as on a real server. Invalid run names and tags over 64 characters get a 400.
 *  - PUT <upload URL from createRunFiles>: stores the bytes. Like a signed cloud-storage URL it
 *    wants the upload headers it handed out and refuses an Authorization header.
 *  - POST /files/<entity>/<project>/<run>/file_stream: `content` replaces the file's lines from
 *    `offset` on and extends it past the end (a gap past the end is a 400: stricter than W&B);
 *    records `uploaded`, `complete` and `exitcode`.
 * /graphql and file_stream need HTTP basic `api:<key>` (401 otherwise). Every request is recorded
 * in order. Failure injection: `failNext` (answer N matching requests with a status), `hang`
 * (never answer them), `close` (the server goes away; later requests are refused).
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type CallKind = 'graphql' | 'upload' | 'file_stream' | 'other';

export interface FakeCall {
  readonly index: number;
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  readonly kind: CallKind;
  /** GraphQL: the top-level field (`viewer`, `upsertBucket`, `createRunFiles`). */
  readonly operation?: string;
  readonly headers: IncomingHttpHeaders;
  /** The parsed JSON body (graphql, file_stream), else the body as text. */
  readonly body: unknown;
  readonly bytes: number;
  /** The status answered; undefined while unanswered (hung). */
  status: number | undefined;
}

/** A call kind, a GraphQL operation (`upsertBucket`…), `*`, or a predicate. */
export type FakeMatch = string | ((call: FakeCall) => boolean);

export interface FakeReply {
  /** JSON-encoded unless a string. Default: a GraphQL `errors` body (graphql) or `{error}`. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export class FakeRun {
  displayName: string | null = null;
  groupName: string | null = null;
  notes: string | null = null;
  tags: string[] = [];
  /** The `sweep` input, if a client ever set one. */
  sweep: string | null = null;
  /** The config JSONString, parsed (W&B format: `{key: {desc, value}}`). */
  config: Record<string, unknown> | null = null;
  upserts = 0;
  /** Lines of each file_stream file, by name (`wandb-history.jsonl`, `wandb-summary.json`). */
  readonly streams = new Map<string, string[]>();
  /** Uploaded run files by path. */
  readonly files = new Map<string, Buffer>();
  /** Paths reported in file_stream `uploaded`. */
  readonly uploaded: string[] = [];
  fileStreamPosts = 0;
  complete = false;
  exitcode: number | undefined;

  constructor(
    readonly entity: string,
    readonly project: string,
    readonly name: string,
    readonly storageId: string,
  ) {}

  get history(): Record<string, unknown>[] {
    return (this.streams.get('wandb-history.jsonl') ?? []).map((l) => parseWbJson(l) as Record<string, unknown>);
  }

  /** The summary: the file's last line, as W&B's backend reads it. */
  get summary(): Record<string, unknown> {
    const lines = this.streams.get('wandb-summary.json') ?? [];
    return lines.length === 0 ? {} : (parseWbJson(lines[lines.length - 1]!) as Record<string, unknown>);
  }
}

export interface FakeWandbOptions {
  /** The one API key accepted (default `fake-key`). */
  readonly apiKey?: string;
  /** `viewer { entity }` (default `fake-user`). */
  readonly viewerEntity?: string;
  /** Entities the key may write to (default: any); others get a 403 "permission denied". */
  readonly entities?: readonly string[];
  /** Headers (`Key: Value`) the upload URLs require (default: one secret header). */
  readonly uploadHeaders?: readonly string[];
}

export interface FakeWandb {
  /** The base URL (WANDB_BASE_URL). */
  readonly url: string;
  readonly apiKey: string;
  readonly calls: FakeCall[];
  /** Runs by `entity/project/name`. */
  readonly runs: Map<string, FakeRun>;
  /** The run called `name` (any entity and project). */
  run(name: string): FakeRun | undefined;
  /** Answers the next `n` matching requests with `status` instead of handling them. */
  failNext(match: FakeMatch, status: number, n?: number, reply?: FakeReply): void;
  /** Never answers the next `n` matching requests (default: all of them). */
  hang(match: FakeMatch, n?: number): void;
  close(): Promise<void>;
}

interface Rule {
  readonly match: FakeMatch;
  left: number;
  readonly status?: number;
  readonly reply?: FakeReply;
}

/** Starts a fake W&B server; close it in afterEach. */
export async function startFakeWandb(opts: FakeWandbOptions = {}): Promise<FakeWandb> {
  const apiKey = opts.apiKey ?? 'fake-key';
  const auth = `Basic ${Buffer.from(`api:${apiKey}`).toString('base64')}`;
  const viewerEntity = opts.viewerEntity ?? 'fake-user';
  const uploadHeaders = opts.uploadHeaders ?? [`X-Fake-Upload-Signature: ${randomBytes(6).toString('hex')}`];
  const calls: FakeCall[] = [];
  const runs = new Map<string, FakeRun>();
  const uploads = new Map<string, { run: FakeRun; path: string }>();
  const rules: Rule[] = [];
  const hung = new Set<ServerResponse>();
  let base = '';
  let closed: Promise<void> | undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handle(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function handle(req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', base);
    const method = req.method ?? 'GET';
    const kind: CallKind =
      method === 'POST' && url.pathname === '/graphql' ? 'graphql' : method === 'PUT' && url.pathname.startsWith('/storage/') ? 'upload' : method === 'POST' && /^\/files\/[^/]+\/[^/]+\/[^/]+\/file_stream$/.test(url.pathname) ? 'file_stream' : 'other';
    const bytes = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    let body: unknown = bytes.toString('utf8');
    if (kind === 'graphql' || kind === 'file_stream') {
      try {
        body = JSON.parse(bytes.toString('utf8'));
      } catch {
        /* kept as text; answered 400 below */
      }
    }
    let doc: ReturnType<typeof parseGraphql> | undefined;
    let syntax: string | undefined;
    if (kind === 'graphql' && isObject(body)) {
      try {
        doc = parseGraphql(String(body['query'] ?? ''), isObject(body['variables']) ? body['variables'] : {});
      } catch (err) {
        syntax = (err as Error).message;
      }
    }
    const call: FakeCall = { index: calls.length, method, path: url.pathname, kind, ...(doc?.field !== undefined ? { operation: doc.field.name } : {}), headers: req.headers, body, bytes: bytes.length, status: undefined };
    calls.push(call);
    const send = (status: number, answer: unknown, headers: Readonly<Record<string, string>> = {}): void => {
      call.status = status;
      const text = typeof answer === 'string' ? answer : JSON.stringify(answer);
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
      res.end(text);
    };
    const rule = rules.find((r) => r.left > 0 && matches(r.match, call));
    if (rule !== undefined) {
      rule.left--;
      if (rule.status === undefined) {
        hung.add(res);
        res.on('close', () => hung.delete(res));
        return;
      }
      const fallback = kind === 'graphql' ? { errors: [{ message: `fake-wandb: injected HTTP ${rule.status}` }] } : { error: `fake-wandb: injected HTTP ${rule.status}` };
      send(rule.status, rule.reply?.body ?? fallback, rule.reply?.headers);
      return;
    }
    if (kind === 'other') return send(404, { error: `fake-wandb: no route ${method} ${url.pathname}` });
    if (kind === 'upload') return upload(url, req.headers, bytes, send);
    if (req.headers.authorization !== auth) return send(401, { errors: [{ message: 'fake-wandb: HTTP basic auth api:<key> with the right key is required' }] });
    if (!isObject(body)) return send(400, { error: 'fake-wandb: the body is not a JSON object' });
    if (kind === 'file_stream') return fileStream(url.pathname, body, send);
    if (syntax !== undefined || doc === undefined) return send(400, { errors: [{ message: `Syntax Error: ${syntax ?? 'no query'}` }] });
    if (doc.errors.length > 0) return send(400, { errors: doc.errors.map((message) => ({ message })) });
    const input = isObject(doc.field.args['input']) ? doc.field.args['input'] : {};
    const answer = resolve(doc.field.name, input);
    if ('status' in answer) return send(answer.status, { errors: [{ message: answer.message }] });
    const errors: string[] = [];
    const data = { [doc.field.alias]: selectFields(answer.value, doc.field.selection, doc.field.name, errors) };
    send(200, errors.length > 0 ? { errors: errors.map((message) => ({ message })) } : { data });
  }

  function resolve(field: string, input: Record<string, unknown>): { value: unknown } | { status: number; message: string } {
    if (field === 'viewer') return { value: { id: 'VXNlcjox', entity: viewerEntity, username: viewerEntity, email: `${viewerEntity}@example.com`, flags: '{}', teams: { edges: [] } } };
    if (field === 'upsertBucket') return upsert(input);
    if (field === 'createRunFiles') {
      const run = runs.get(`${str(input['entityName'])}/${str(input['projectName'])}/${str(input['runName'])}`);
      if (run === undefined) return { value: { runID: null, uploadHeaders: [], files: [] } };
      const files = (Array.isArray(input['files']) ? input['files'] : []).map((name) => {
        const token = randomBytes(8).toString('hex');
        uploads.set(token, { run, path: String(name) });
        return { name: String(name), uploadUrl: `${base}/storage/${token}?name=${encodeURIComponent(String(name))}&X-Fake-Signature=${token}` };
      });
      return { value: { runID: run.storageId, uploadHeaders, files } };
    }
    return { status: 400, message: `Cannot query field "${field}" on type "Query/Mutation" (fake-wandb knows viewer, upsertBucket, createRunFiles)` };
  }

  function upsert(input: Record<string, unknown>): { value: unknown } | { status: number; message: string } {
    const entity = str(input['entityName']) ?? viewerEntity;
    const project = str(input['modelName']) ?? 'uncategorized';
    const name = str(input['name']) ?? randomBytes(4).toString('hex');
    if (opts.entities !== undefined && !opts.entities.includes(entity)) return { status: 403, message: 'permission denied' };
    if (name.trim() !== name || /[:;,#?/'\\%]/.test(name)) return { status: 400, message: `invalid run name '${name}': cannot contain :;,#?/'\\% or surrounding whitespace` };
    const tags = Array.isArray(input['tags']) ? input['tags'].map(String) : undefined;
    const bad = tags?.find((t) => t.length < 1 || t.length > 64);
    if (bad !== undefined) return { status: 400, message: `invalid tag '${bad}'. must be between 1 and 64 characters` };
    let config: Record<string, unknown> | undefined;
    if (typeof input['config'] === 'string') {
      try {
        config = parseWbJson(input['config']) as Record<string, unknown>;
      } catch {
        return { status: 400, message: 'config is not a valid JSONString' };
      }
    }
    const key = `${entity}/${project}/${name}`;
    const inserted = !runs.has(key);
    const run = runs.get(key) ?? new FakeRun(entity, project, name, Buffer.from(`Run:v1:${name}:${project}:${entity}`).toString('base64'));
    runs.set(key, run);
    run.upserts++;
    // null or absent inputs keep what the run has, as W&B's upsert does
    if (typeof input['displayName'] === 'string') run.displayName = input['displayName'];
    if (typeof input['groupName'] === 'string') run.groupName = input['groupName'];
    if (typeof input['notes'] === 'string') run.notes = input['notes'];
    if (typeof input['sweep'] === 'string') run.sweep = input['sweep'];
    if (tags !== undefined) run.tags = tags;
    if (config !== undefined) run.config = config;
    const bucket = {
      id: run.storageId,
      name,
      displayName: run.displayName,
      description: null,
      notes: run.notes,
      config: JSON.stringify(run.config ?? {}),
      sweepName: run.sweep,
      tags: run.tags,
      state: run.complete ? (run.exitcode === 0 ? 'finished' : 'failed') : 'running',
      historyLineCount: run.streams.get('wandb-history.jsonl')?.length ?? 0,
      project: { id: Buffer.from(`Project:v1:${project}:${entity}`).toString('base64'), name: project, entity: { id: Buffer.from(`Entity:${entity}`).toString('base64'), name: entity } },
    };
    return { value: { bucket, inserted } };
  }

  function upload(url: URL, headers: IncomingHttpHeaders, bytes: Buffer, send: (s: number, b: unknown) => void): void {
    const target = uploads.get(url.pathname.slice('/storage/'.length));
    if (target === undefined || url.searchParams.get('X-Fake-Signature') === null) return send(403, { error: 'SignatureDoesNotMatch: unknown or unsigned upload URL' });
    if (headers.authorization !== undefined) return send(400, { error: 'signed upload URLs take no Authorization header' });
    for (const h of uploadHeaders) {
      const at = h.indexOf(':');
      if (headers[h.slice(0, at).trim().toLowerCase()] !== h.slice(at + 1).trim()) return send(403, { error: `SignatureDoesNotMatch: header ${h.slice(0, at)} missing or wrong` });
    }
    target.run.files.set(target.path, bytes);
    send(200, '');
  }

  function fileStream(path: string, body: Record<string, unknown>, send: (s: number, b: unknown) => void): void {
    const [entity, project, name] = path.split('/').slice(2, 5).map(decodeURIComponent);
    const run = runs.get(`${entity}/${project}/${name}`);
    if (run === undefined) return send(404, { error: `run ${entity}/${project}/${name} not found` });
    const files = isObject(body['files']) ? body['files'] : {};
    for (const [file, chunk] of Object.entries(files)) {
      if (!isObject(chunk) || !Number.isInteger(chunk['offset']) || (chunk['offset'] as number) < 0 || !Array.isArray(chunk['content']) || !chunk['content'].every((l) => typeof l === 'string')) {
        return send(400, { error: `files.${file} must be {offset: integer >= 0, content: [string]}` });
      }
      const lines = run.streams.get(file) ?? [];
      const offset = chunk['offset'] as number;
      if (offset > lines.length) return send(400, { error: `files.${file}: offset ${offset} is past the end (${lines.length} lines)` });
      const content = chunk['content'] as string[];
      if (file.endsWith('.json') || file.endsWith('.jsonl')) {
        for (const l of content) {
          try {
            parseWbJson(l);
          } catch {
            return send(400, { error: `files.${file}: a line is not JSON: ${l.slice(0, 80)}` });
          }
        }
      }
      lines.splice(offset, content.length, ...content);
      run.streams.set(file, lines);
    }
    if (Array.isArray(body['uploaded'])) run.uploaded.push(...body['uploaded'].map(String));
    run.fileStreamPosts++;
    if (body['complete'] === true) {
      run.complete = true;
      run.exitcode = typeof body['exitcode'] === 'number' ? body['exitcode'] : undefined;
    }
    send(200, { exitcode: null, limits: {}, stopped: false });
  }

  return {
    url: base,
    apiKey,
    calls,
    runs,
    run: (name) => [...runs.values()].find((r) => r.name === name),
    failNext: (match, status, n = 1, reply) => void rules.push({ match, status, left: n, ...(reply !== undefined ? { reply } : {}) }),
    hang: (match, n = Number.POSITIVE_INFINITY) => void rules.push({ match, left: n }),
    close: () =>
      (closed ??= new Promise<void>((done) => {
        for (const res of hung) res.socket?.destroy();
        server.close(() => done());
        server.closeAllConnections();
      })),
  };
}

function matches(match: FakeMatch, call: FakeCall): boolean {
  if (typeof match === 'function') return match(call);
  return match === '*' || match === call.kind || match === call.operation;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

const NON_FINITE: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** JSON with W&B's bare NaN / Infinity / -Infinity (what its clients write and its backend reads). */
export function parseWbJson(text: string): unknown {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '"') {
      const end = /"(?:\\.|[^"\\])*"/y;
      end.lastIndex = i;
      const m = end.exec(text);
      if (m === null) throw new SyntaxError('unterminated string');
      out += m[0];
      i += m[0].length - 1;
      continue;
    }
    const word = ['-Infinity', 'Infinity', 'NaN'].find((w) => text.startsWith(w, i));
    if (word !== undefined) {
      out += JSON.stringify(`\u0000${word}`);
      i += word.length - 1;
    } else out += c;
  }
  return JSON.parse(out, (_k, v: unknown) => (typeof v === 'string' && v.startsWith('\u0000') && v.slice(1) in NON_FINITE ? NON_FINITE[v.slice(1)] : v));
}

// ---- just enough GraphQL: one operation, variables, arguments, selection sets ----

interface GqlField {
  readonly alias: string;
  readonly name: string;
  readonly args: Record<string, unknown>;
  readonly selection?: readonly GqlField[];
}

const TOKEN = /\s+|,|#[^\n]*|("(?:\\.|[^"\\])*"|\$[_A-Za-z]\w*|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[_A-Za-z]\w*|\.\.\.|[{}()[\]:!=@])/y;

/** The first top-level field of the document's operation, with variables substituted. */
function parseGraphql(query: string, variables: Record<string, unknown>): { field: GqlField; errors: string[] } {
  const toks: string[] = [];
  for (TOKEN.lastIndex = 0; TOKEN.lastIndex < query.length; ) {
    const m = TOKEN.exec(query);
    if (m === null) throw new SyntaxError(`unexpected character at ${TOKEN.lastIndex}`);
    if (m[1] !== undefined) toks.push(m[1]);
  }
  let i = 0;
  const peek = (): string | undefined => toks[i];
  const take = (want?: string): string => {
    const t = toks[i++];
    if (t === undefined || (want !== undefined && t !== want)) throw new SyntaxError(`expected ${want ?? 'a token'}, got ${t ?? 'the end'}`);
    return t;
  };
  const errors: string[] = [];
  if (peek() === 'query' || peek() === 'mutation') {
    take();
    if (peek() !== '(' && peek() !== '{') take();
    if (peek() === '(') {
      take('(');
      while (peek() !== ')') {
        const v = take().slice(1);
        take(':');
        let type = '';
        while (peek() !== ')' && !peek()!.startsWith('$') && peek() !== '=') type += take();
        if (peek() === '=') {
          take();
          value();
        }
        if (type.endsWith('!') && (variables[v] === undefined || variables[v] === null)) errors.push(`Variable "$${v}" of required type "${type}" was not provided.`);
      }
      take(')');
    }
  }
  function value(): unknown {
    const t = take();
    if (t.startsWith('$')) return variables[t.slice(1)] ?? null;
    if (t.startsWith('"')) return JSON.parse(t) as unknown;
    if (t === '[') {
      const list: unknown[] = [];
      while (peek() !== ']') list.push(value());
      take(']');
      return list;
    }
    if (t === '{') {
      const obj: Record<string, unknown> = {};
      while (peek() !== '}') {
        const k = take();
        take(':');
        obj[k] = value();
      }
      take('}');
      return obj;
    }
    if (/^-?\d/.test(t)) return Number(t);
    return t === 'true' ? true : t === 'false' ? false : t === 'null' ? null : t;
  }
  function selection(): GqlField[] {
    take('{');
    const fields: GqlField[] = [];
    while (peek() !== '}') {
      const alias = take();
      let name = alias;
      if (peek() === ':') {
        take(':');
        name = take();
      }
      const args: Record<string, unknown> = {};
      if (peek() === '(') {
        take('(');
        while (peek() !== ')') {
          const k = take();
          take(':');
          args[k] = value();
        }
        take(')');
      }
      fields.push({ alias, name, args, ...(peek() === '{' ? { selection: selection() } : {}) });
    }
    take('}');
    return fields;
  }
  const top = selection()[0];
  if (top === undefined) throw new SyntaxError('empty selection');
  return { field: top, errors };
}

/** What a GraphQL server answers: only the selected fields; an unknown field is an error. */
function selectFields(value: unknown, sel: readonly GqlField[] | undefined, type: string, errors: string[]): unknown {
  if (sel === undefined || value === null || value === undefined) return value ?? null;
  if (Array.isArray(value)) return value.map((v) => selectFields(v, sel, type, errors));
  const obj = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of sel) {
    if (f.name === '__typename') out[f.alias] = type;
    else if (!(f.name in obj)) errors.push(`Cannot query field "${f.name}" on type "${type}".`);
    else out[f.alias] = selectFields(obj[f.name], f.selection, f.name, errors);
  }
  return out;
}
