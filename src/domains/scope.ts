import type { EntityManager, FindOneOptions, MikroORM } from '@mikro-orm/postgresql';
import type { AuthUser, TokenSigner } from '../platform/auth/tokens.js';
import type { Config } from '../platform/config.js';
import { NotFoundError, UnauthenticatedError } from '../platform/errors/index.js';
import type { Logger } from '../platform/observability/logger.js';
import type { AppPubSub } from '../platform/pubsub.js';
import type { PropertyDataProvider } from '../platform/providers/property-data/index.js';
import type { ReceivedMail } from '../platform/mail/local-smtp.js';
import type { Mailer } from '../platform/mail/Mailer.js';
import type { Queues } from '../platform/jobs/queues.js';
import type { SmsProvider } from '../platform/providers/sms/index.js';
import type { ObjectStorage } from '../platform/storage/ObjectStorage.js';
import { isUuid } from '../platform/validate.js';

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
  /** SMS gateway (offline adapter by default); its reports and inbound messages go to src/domains/outreach/sms-events.ts. */
  sms: SmsProvider;
  /** The in-process SMTP server when SMTP_URL is not set (local default, tests); null otherwise. */
  localSmtp: { url: string; received: ReceivedMail[] } | null;
}

/** What a service call runs with: an organization-scoped EntityManager and who is acting. */
export interface ServiceScope {
  em: EntityManager;
  actor: AuthUser | null;
  deps: AppDeps;
}

export function requireActor(scope: ServiceScope): AuthUser {
  if (!scope.actor) throw new UnauthenticatedError();
  return scope.actor;
}

export { isUuid };

/**
 * Loads one row of the caller's organization or throws NOT_FOUND. A malformed id, a missing id and
 * another organization's id all look the same from outside.
 */
export async function findOrNotFound<T extends object>(
  em: EntityManager,
  entity: new (...args: never[]) => T,
  id: string,
  label: string,
  options: FindOneOptions<T> = {},
): Promise<T> {
  const row = isUuid(id) ? await em.findOne(entity, { id: id.toLowerCase() } as never, options as never) : null;
  if (!row) throw new NotFoundError(label, id);
  return row as T;
}
