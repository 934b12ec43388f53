import { FlushMode, MikroORM, type Options } from '@mikro-orm/postgresql';
import { ReflectMetadataProvider } from '@mikro-orm/decorators/legacy';
import { Migrator } from '@mikro-orm/migrations';
import 'reflect-metadata';
import { ENTITIES, TENANT_ENTITIES } from '../../entities/index.js';
import type { Config } from './config.js';
import { MIGRATIONS } from '../migrations/index.js';
import type { Pool } from 'pg';
import { preferSameTenant } from './db/tenant-affinity.js';
import { answerQueriesByCallback } from './db/callback-queries.js';
import { applyTenantOnReserve } from './tenancy/tenant-context.js';
import { TENANT_FILTER } from './tenancy/tenant-em.js';

export type { MikroORM };

/** SQL statements this process has sent through the ORM (served as db_statements_total). */
export const sqlStatements = { count: 0 };

/**
 * ORM options. `clientUrl` decides the role: the app role for the service, the owner for migrations.
 * Tenant isolation is applied twice: the `tenant` filter below, and the connection hook that sets
 * the organization Postgres' row-level security policies compare against.
 * The `tenant` filter is on by default and has no default value, so a query on a tenant entity
 * from an EntityManager that was not scoped to an organization throws instead of reading everything.
 */
export function ormOptions(config: Config, clientUrl = config.databaseUrl, extra: Partial<Options> = {}): Options {
  return {
    clientUrl,
    entities: ENTITIES,
    metadataProvider: ReflectMetadataProvider,
    extensions: [Migrator],
    discovery: { warnWhenNoEntities: true },
    pool: { min: 0, max: config.dbPoolMax, idleTimeoutMillis: 10_000 },
    // No JIT compilation: it costs hundreds of milliseconds per analytics aggregate (planned as
    // "expensive") and buys nothing on the short statements everything else runs.
    // One plan per named statement (src/platform/db/prepared.ts): no planning per call of the hottest
    // statements. The ORM's own statements are sent as text and planned per call regardless.
    // Connections go back, where they can, to the organization they last served (one `set_config` fewer).
    // Statements go through pg's callback path, whose objects die young (src/platform/db/callback-queries.ts).
    driverOptions: {
      options: '-c jit=off -c plan_cache_mode=force_generic_plan',
      onPoolCreated: (pool: Pool) => {
        answerQueriesByCallback(pool);
        preferSameTenant(pool);
      },
    },
    // Row-level security reads app.organization_id; every reserved connection gets the current scope's.
    onReserveConnection: (connection) => applyTenantOnReserve(connection as Parameters<typeof applyTenantOnReserve>[0]),
    allowGlobalContext: false,
    forceUtcTimezone: true,
    // Writes happen at explicit flushes only, never as a side effect of a read.
    flushMode: FlushMode.COMMIT,
    debug: process.env.ORM_DEBUG === 'true',
    onQuery: (sql) => {
      sqlStatements.count++;
      return sql;
    },
    filters: {
      [TENANT_FILTER]: {
        name: TENANT_FILTER,
        cond: (args: { organizationId: string }) => ({ organizationId: args.organizationId }),
        entity: TENANT_ENTITIES,
        default: true,
      },
    },
    // Streaming replicas serve only the reads the platform routes to them (src/platform/db/replicas.ts);
    // everything else, and everything in a transaction, uses the primary.
    replicas:
      clientUrl === config.databaseUrl
        ? config.databaseReplicaUrls.map((url, i) => ({ name: `replica-${i + 1}`, clientUrl: url }))
        : [],
    preferReadReplicas: false,
    migrations: {
      migrationsList: MIGRATIONS,
      transactional: true,
      allOrNothing: true,
      snapshot: false,
    },
    ...extra,
  };
}

export async function initOrm(config: Config, clientUrl?: string, extra?: Partial<Options>): Promise<MikroORM> {
  return MikroORM.init(ormOptions(config, clientUrl, extra));
}
