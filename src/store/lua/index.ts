/** Every store script, for loading with ioredis `defineCommand` (EVALSHA; re-sent as EVAL after NOSCRIPT). */
import type { ScriptDef } from './common.js';
import { CLAIM_TRIALS, CREATE_SWEEP, SET_SWEEP_STATE } from './sweep-scripts.js';
import { APPEND_STEP, END_TRIAL, HAND_BACK, RECOVER_EXPIRED, RENEW_LEASE, REQUEST_STOP, SET_DECISION, START_TRIAL } from './trial-scripts.js';
import { HEARTBEAT_WORKER, REAP_WORKER, REMOVE_WORKER } from './worker-scripts.js';

export type { ScriptDef } from './common.js';

export const SCRIPTS = {
  createSweep: CREATE_SWEEP,
  setSweepState: SET_SWEEP_STATE,
  claimTrials: CLAIM_TRIALS,
  startTrial: START_TRIAL,
  renewLease: RENEW_LEASE,
  appendStep: APPEND_STEP,
  endTrial: END_TRIAL,
  recoverExpired: RECOVER_EXPIRED,
  handBack: HAND_BACK,
  requestStop: REQUEST_STOP,
  setDecision: SET_DECISION,
  heartbeatWorker: HEARTBEAT_WORKER,
  reapWorker: REAP_WORKER,
  removeWorker: REMOVE_WORKER,
} as const satisfies Record<string, ScriptDef>;

export type ScriptName = keyof typeof SCRIPTS;
