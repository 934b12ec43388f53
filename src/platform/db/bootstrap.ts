import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../observability/logger.js';
import { initOrm } from '../orm.js';
import { scoreUnscored } from '../../domains/underwriting/score-store.js';

/**
 * Makes the database usable by the service: creates the database and the unprivileged app role
 * when missing, applies pending migrations as the owner, and grants the app role DML rights
 * (never ownership, so row-level security binds it).
 */
export async function prepareDatabase(config: Config, log?: Logger): Promise<{ applied: string[] }> {
  const owner = new URL(config.databaseOwnerUrl);
  const dbName = decodeURIComponent(owner.pathname.slice(1));
  await ensureDatabase(owner, dbName, log);

  // One starter at a time: several API processes may boot together against a new database.
  const lock = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ensureAppRole(lock, config);
    const orm = await initOrm(config, config.databaseOwnerUrl);
    try {
      const applied = await orm.migrator.up();
      if (applied.length) log?.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
      // Properties stored before the score was (the owner role reads every organization's rows).
      const scored = await scoreUnscored(orm.em.fork() as never);
      if (scored) log?.info({ properties: scored }, 'stored missing property scores');
      const role = pg.escapeIdentifier(config.dbAppRole);
      await orm.em.getConnection().execute(`
        grant usage on schema public to ${role};
        grant select, insert, update, delete on all tables in schema public to ${role};
        revoke all on table mikro_orm_migrations from ${role};
        grant execute on all functions in schema public to ${role};
        revoke update, delete on ${APPEND_ONLY.join(', ')} from ${role};
      `);
      return { applied: applied.map((m) => m.name) };
    } finally {
      await orm.close();
    }
  } finally {
    await lock.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await lock.end();
  }
}

/** History tables: the service may add rows, never change or remove them. */
const APPEND_ONLY = ['deal_stage_changes', 'underwritings', 'consent_records', 'audit_log'];

/** Advisory lock key held while creating the role and migrating. */
const MIGRATION_LOCK = 824001;

async function ensureDatabase(owner: URL, dbName: string, log?: Logger): Promise<void> {
  const maintenance = new URL(owner);
  maintenance.pathname = '/postgres';
  const client = new pg.Client({ connectionString: maintenance.toString() });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${owner.host} (${(err as Error).message}). ` +
        'Start it (see README "Requirements") or set DATABASE_OWNER_URL / DATABASE_URL.',
    );
  }
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [dbName]);
    if (!rowCount) {
      await client.query(`create database ${pg.escapeIdentifier(dbName)}`);
      log?.info({ database: dbName }, 'created database');
    }
  } catch (err) {
    // Two processes starting at once may both try to create it.
    if ((err as { code?: string }).code !== '42P04') throw err;
  } finally {
    await client.end();
  }
}

export async function ensureAppRole(client: pg.Client, config: Config): Promise<void> {
  const app = new URL(config.databaseUrl);
  const role = config.dbAppRole;
  const password = app.password ? decodeURIComponent(app.password) : null;
  const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
  if (!rowCount) {
    try {
      await client.query(`create role ${pg.escapeIdentifier(role)} login nosuperuser nobypassrls noinherit`);
    } catch (err) {
      // Roles are cluster-wide: a starter migrating another database may have just created it.
      if ((err as { code?: string }).code !== '42710') throw err;
    }
  }
  if (password) await client.query(`alter role ${pg.escapeIdentifier(role)} password ${pg.escapeLiteral(password)}`);
}
