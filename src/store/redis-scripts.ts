/**
 * Loads the Lua scripts on a client with ioredis `defineCommand`: EVALSHA, and EVAL the first time
 * on each socket or after NOSCRIPT (a Redis restart or SCRIPT FLUSH), so callers never see NOSCRIPT.
 */
import type { Redis } from 'ioredis';
import { SCRIPTS, type ScriptName } from './lua/index.js';

type ScriptFn = (...args: Array<string | number>) => Promise<unknown>;

export class ScriptRunner {
  constructor(private readonly client: Redis) {
    const own = client as unknown as Record<string, unknown>;
    for (const def of Object.values(SCRIPTS)) {
      if (typeof own[def.name] !== 'function') client.defineCommand(def.name, { numberOfKeys: def.keys, lua: def.lua });
    }
  }

  run(name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    const def = SCRIPTS[name];
    const fn = (this.client as unknown as Record<string, ScriptFn>)[def.name]!;
    return fn.call(this.client, ...keys, ...args);
  }

  /** A reply that is a list of strings (nil items become undefined). */
  async list(name: ScriptName, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<Array<string | undefined>> {
    const r = await this.run(name, keys, args);
    if (!Array.isArray(r)) return [];
    return r.map((x: unknown) => (x === null || x === undefined ? undefined : String(x)));
  }
}
