/** The offline proposer: rule-based, seeded, not an LLM (proposer.ts). */
export { OfflineProposer, proposeOffline, OFFLINE_GENERATORS, type OfflineProposerOptions, type OfflineProposal, type ScoredCandidate } from './proposer.js';
export type { Candidate, Generator } from './candidates.js';
export { readSignals, normalise, type Signals } from './signals.js';
