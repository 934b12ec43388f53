import pg from 'pg';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { initOrm } from '../orm.js';

/**
 * Makes the database usable by the service: creates the database and the unprivileged app role
 * when missing, applies pending migrations as the owner, and grants the app role DML rights
 * (never ownership, so row-level security binds it).
 */
export async function prepareDatabase(config: Config, log?: Logger): Promise<{ applied: string[] }> {
  const owner = new URL(config.databaseOwnerUrl);
  const dbName = decodeURIComponent(owner.pathname.slice(1));
  await ensureDatabase(owner, dbName, log);
  await ensureAppRole(config);

  const orm = await initOrm(config, config.databaseOwnerUrl);
  try {
    const applied = await orm.migrator.up();
    if (applied.length) log?.info({ migrations: applied.map((m) => m.name) }, 'applied migrations');
    const role = config.dbAppRole;
    await orm.em.getConnection().execute(`
      grant usage on schema public to ${role};
      grant select, insert, update, delete on all tables in schema public to ${role};
      revoke all on table mikro_orm_migrations from ${role};
      grant execute on all functions in schema public to ${role};
    `);
    return { applied: applied.map((m) => m.name) };
  } finally {
    await orm.close();
  }
}

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

async function ensureAppRole(config: Config): Promise<void> {
  const app = new URL(config.databaseUrl);
  const client = new pg.Client({ connectionString: config.databaseOwnerUrl });
  await client.connect();
  try {
    const role = config.dbAppRole;
    const password = app.password ? decodeURIComponent(app.password) : null;
    // A role is cluster-wide; serialize creation so concurrent test runs do not race.
    await client.query('select pg_advisory_lock(824001)');
    const { rowCount } = await client.query('select 1 from pg_roles where rolname = $1', [role]);
    if (!rowCount) {
      await client.query(`create role ${pg.escapeIdentifier(role)} login nosuperuser nobypassrls noinherit`);
    }
    if (password) await client.query(`alter role ${pg.escapeIdentifier(role)} password ${pg.escapeLiteral(password)}`);
    await client.query('select pg_advisory_unlock(824001)');
  } finally {
    await client.end();
  }
}
