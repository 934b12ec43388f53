import { TokenSigner } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { initOrm } from '../src/orm.js';
import { AppPubSub } from '../src/pubsub.js';
import { Queues } from '../src/queues.js';
import { createRedis } from '../src/redis.js';
import { startWorkers } from './index.js';

/** `npm run worker`: workers only, for scaling them apart from the API. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel, { role: 'worker' });
  const orm = await initOrm(config);
  const redis = createRedis(config.redisUrl);
  const deps = {
    config,
    orm,
    log,
    pubsub: new AppPubSub(config.redisUrl, config.redisPrefix),
    queues: new Queues(redis, config.redisPrefix),
    tokens: new TokenSigner(config.jwtSecret, config.accessTokenTtlSeconds),
  };
  const workers = startWorkers(deps);
  const stop = async () => {
    log.info('worker shutting down');
    await workers.close();
    await deps.queues.close();
    await deps.pubsub.close();
    redis.disconnect();
    await orm.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

void main();
