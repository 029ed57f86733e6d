/** Trial store implementations (contract: coordinator/store.ts). */
export { MemoryTrialStore, type MemoryTrialStoreOptions } from './memory-store.js';
export { RedisTrialStore, type RedisTrialStoreOptions } from './redis-store.js';
export { RedisStopChannel, type RedisStopChannelOptions } from './redis-stop-channel.js';
export { createRedis, duplicateRedis, quitOrDrop, redactRedisUrl, resolveRedisUrl, DEFAULT_REDIS_URL, type RedisConnectionOptions, type RedisLog } from './redis-connection.js';
export { RedisKeys, leaseMember, parseLeaseMember } from './redis-keys.js';
export type { StoredTrial } from './codec.js';
