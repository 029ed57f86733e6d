/**
 * Worker-thread entry of {@link GbdtPool}: runs one fold task per message. Loaded from its compiled
 * form (dist/src/malmas/model/cv-worker.js); under a TypeScript-only runner the pool runs inline.
 */
import { parentPort } from 'node:worker_threads';
import { isFFError } from '../../core/errors.js';
import { runFold } from './fold-task.js';
import type { WorkerReply, WorkerRequest } from './pool.js';

const port = parentPort;
if (port === null) throw new Error('cv-worker.js must be started as a worker thread (by GbdtPool)');

port.on('message', (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    const out = runFold(msg.task);
    reply = { v: 1, id: msg.id, ok: true, out };
    port.postMessage(reply, [out.pred.buffer, out.validRows.buffer, out.importance.buffer] as ArrayBuffer[]);
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    reply = { v: 1, id: msg.id, ok: false, error: { name: e.name, message: e.message, code: isFFError(err) ? err.code : undefined } };
    port.postMessage(reply);
  }
});
