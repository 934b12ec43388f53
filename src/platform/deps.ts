import type { MikroORM, Options } from '@mikro-orm/postgresql';
import type { ReceivedMail } from './mail/local-smtp.js';
import { createGeocoder, type Geocoder } from './providers/geocoder/index.js';
import type { PropertyDataProvider } from './providers/property-data/index.js';
import type { SmsProvider } from './providers/sms/index.js';
import { TokenSigner } from './auth/tokens.js';
import { UserStates } from './auth/user-state.js';
import { ApiKeys } from './auth/api-keys.js';
import { SecretBox } from '../domains/webhooks/signing.js';
import { WebhookSender } from '../domains/webhooks/sender.js';
import { WebhookStore } from '../domains/webhooks/store.js';
import type { Config } from './config.js';
import type { Logger } from './observability/logger.js';
import { initOrm } from './orm.js';
import { createPropertyData } from './providers/property-data/index.js';
import { AppPubSub } from './pubsub.js';
import { jobOptions, Queues } from './jobs/queues.js';
import { createRedis, redisHealth } from './redis.js';
import { startLocalSmtp } from './mail/local-smtp.js';
import { Mailer } from './mail/Mailer.js';
import { smsEventSink } from './providers/sms/events.js';
import { createSmsProvider } from './providers/sms/index.js';
import { startLocalS3 } from './storage/local-s3.js';
import { ObjectStorage } from './storage/ObjectStorage.js';
import { ReplicaReads } from './db/replicas.js';
import { AnalyticsCache } from '../domains/analytics/AnalyticsCache.js';
import { AnalyticsSignal } from '../domains/analytics/AnalyticsSignal.js';

/** Long-lived parts of the running app, shared by requests and jobs. */
export interface AppDeps {
  config: Config;
  orm: MikroORM;
  pubsub: AppPubSub;
  queues: Queues;
  tokens: TokenSigner;
  log: Logger;
  propertyData: PropertyDataProvider;
  storage: ObjectStorage;
  mailer: Mailer;
  /**
   * SMS gateway (offline adapter by default); its reports and inbound messages enter through
   * src/platform/providers/sms/events.ts.
   */
  sms: SmsProvider;
  /** Address geocoding (offline adapter by default). */
  geocoder: Geocoder;
  /** The in-process SMTP server when SMTP_URL is not set (local default, tests); null otherwise. */
  localSmtp: { url: string; received: ReceivedMail[] } | null;
  /** Coalesces an organization's changes into analytics folds and `analyticsUpdated` pushes. */
  analytics: AnalyticsSignal;
  /** Analytics answers of this process, per organization version. */
  analyticsCache: AnalyticsCache;
  /** Whether an access token's user is still active at its epoch (checked per request and socket). */
  userStates: UserStates;
  /** API keys presented as bearer tokens. */
  apiKeys: ApiKeys;
  /** Keeps webhook signing secrets encrypted at rest. */
  secretBox: SecretBox;
  /** Outbound webhook requests (keep-alive, private targets refused). */
  webhookSender: WebhookSender;
  /** The webhook workers' claims and records, batched across concurrent tries. */
  webhookStore: WebhookStore;
  /** Where list and analytics reads go (streaming replicas when configured), and the writes they must wait for. */
  replicas: ReplicaReads;
}

export interface RunningDeps extends AppDeps {
  /** Closes queues, pub/sub, Redis and the ORM, in that order. */
  close(): Promise<void>;
}

/** The long-lived parts every entry point (API, worker, seed, bench) needs, wired once. */
export async function createDeps(config: Config, log: Logger, ormOptions?: Partial<Options>): Promise<RunningDeps> {
  redisHealth.use(log);
  const orm = await initOrm(config, undefined, ormOptions);
  const localS3 = config.s3.endpoint ? null : await startLocalS3(config.localS3Dir, config.s3.bucket);
  // Locally nothing is delivered: in development each message is logged, so a sign-up or reset code can be read.
  const logMail =
    config.nodeEnv === 'development'
      ? (m: ReceivedMail) =>
          log.info(
            { to: m.envelopeTo, subject: m.parsed.subject, text: (m.parsed.text ?? '').slice(0, 1_000) },
            'mail (local SMTP: logged, not delivered)',
          )
      : undefined;
  const localSmtp = config.smtpUrl ? null : await startLocalSmtp(logMail);
  const mailer = new Mailer(config.smtpUrl ?? localSmtp!.url);
  const storage = new ObjectStorage(localS3?.config ?? { ...config.s3, endpoint: config.s3.endpoint! });
  if (!localS3)
    await storage.ensureBucket().catch((err: Error) => log.warn({ err: err.message }, 'could not check the S3 bucket'));
  const queueRedis = createRedis(config);
  const queues = new Queues(queueRedis, config.redisPrefix, jobOptions(config.jobAttempts, config.jobBackoffMs));
  const pubsub = new AppPubSub(config, config.redisPrefix);
  const analytics = new AnalyticsSignal(queues, config.analyticsWindowMs, log);
  pubsub.onDataEvent = (organizationId) => analytics.changed(organizationId);
  const deps: AppDeps = {
    config,
    orm,
    log,
    pubsub,
    queues,
    tokens: new TokenSigner(config.jwtSecret, config.accessTokenTtlSeconds),
    propertyData: createPropertyData(config),
    storage,
    mailer,
    sms: createSmsProvider(config),
    geocoder: createGeocoder(config),
    localSmtp,
    analytics,
    analyticsCache: new AnalyticsCache(),
    userStates: new UserStates(orm, config.sessionCheckMs),
    apiKeys: new ApiKeys(orm, config.sessionCheckMs),
    secretBox: new SecretBox(config.jwtSecret),
    webhookSender: new WebhookSender({
      allowPrivate: () => config.webhooks.allowPrivateTargets,
      timeoutMs: config.webhooks.timeoutMs,
    }),
    webhookStore: new WebhookStore(orm, () => config.webhooks.timeoutMs + 5_000),
    replicas: new ReplicaReads(orm, config, log),
  };
  deps.sms.connect(smsEventSink(deps));
  return {
    ...deps,
    async close() {
      deps.sms.close();
      deps.webhookSender.close();
      await deps.queues.close();
      await deps.pubsub.close();
      queueRedis.disconnect();
      await deps.replicas.close();
      mailer.close();
      await localSmtp?.close();
      await localS3?.close();
      await orm.close();
    },
  };
}
