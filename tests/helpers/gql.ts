import { randomUUID } from 'node:crypto';
import { ClientError, GraphQLClient } from 'graphql-request';
import { expect } from 'vitest';
import { getSdk, type Role } from '../../client/index.js';
import { ZIP_TABLE } from '../../src/platform/providers/geocoder/zip-table.js';

export type Sdk = ReturnType<typeof getSdk>;

/** The generated SDK over real HTTP, optionally signed in. */
export function sdk(url: string, accessToken?: string): Sdk {
  const client = new GraphQLClient(url, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {} });
  return getSdk(client);
}

export interface Tenant {
  api: Sdk;
  token: string;
  refreshToken: string;
  userId: string;
  organizationId: string;
  email: string;
  password: string;
}

/** Registers a brand-new organization (its OWNER signed in). Every test makes its own. */
export async function createTenant(url: string, name = 'Test Org'): Promise<Tenant> {
  const email = `owner-${randomUUID()}@example.com`;
  const password = 'correct-horse-battery';
  const { register: r } = await sdk(url).Register({
    input: { email, password, name: 'Olive Owner', organizationName: name },
  });
  const register = r.session!; // test servers create the organization at once (SIGNUP_VERIFICATION=false)
  const api = sdk(url, register.accessToken);
  const { organization } = await api.Me();
  return {
    api,
    token: register.accessToken,
    refreshToken: register.refreshToken,
    userId: register.user.id,
    organizationId: organization.id,
    email,
    password,
  };
}

/** Adds a member with `role` to the tenant's organization through a real invitation. */
export async function addMember(url: string, tenant: Tenant, role: Role): Promise<Tenant> {
  const email = `${role.toLowerCase()}-${randomUUID()}@example.com`;
  const password = 'another-good-password';
  const { inviteUser } = await tenant.api.InviteUser({ input: { email, name: `A ${role}`, role } });
  const { acceptInvitation } = await sdk(url).AcceptInvitation({
    input: { token: inviteUser.token, name: `A ${role}`, password },
  });
  return {
    api: sdk(url, acceptInvitation.accessToken),
    token: acceptInvitation.accessToken,
    refreshToken: acceptInvitation.refreshToken,
    userId: acceptInvitation.user.id,
    organizationId: tenant.organizationId,
    email,
    password,
  };
}

export interface GqlErrorShape {
  message: string;
  code: string;
  extensions: Record<string, unknown>;
  status: number;
}

/** Awaits a call that must fail with a GraphQL error, and returns the first error. */
export async function gqlError(call: Promise<unknown>): Promise<GqlErrorShape> {
  try {
    await call;
  } catch (err) {
    if (!(err instanceof ClientError)) throw err;
    const first = err.response.errors?.[0];
    expect(first, 'expected a GraphQL error in the response').toBeTruthy();
    const extensions = (first!.extensions ?? {}) as Record<string, unknown>;
    return { message: first!.message, code: String(extensions.code), extensions, status: err.response.status };
  }
  throw new Error('expected the operation to fail, but it succeeded');
}

/** Polls until `check` returns a truthy value or the time runs out. */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 30_000,
  label = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let counter = 0;
/** A unique street address; city and state match the ZIP when the offline geocoder knows it. */
export function uniqueAddress(zip = '78701'): { addressLine: string; city: string; state: string; zip: string } {
  counter += 1;
  const n = 100 + (Number.parseInt(randomUUID().slice(0, 6), 16) % 9000) + counter;
  const area = ZIP_TABLE[zip];
  return {
    addressLine: `${n} ${randomUUID().slice(0, 8)} Oak Street`,
    city: area?.city ?? 'Springfield',
    state: area?.state ?? 'TX',
    zip,
  };
}

/** The nodes of a connection page, in order. */
export function nodes<T>(connection: { edges: { node: T }[] }): T[] {
  return connection.edges.map((e) => e.node);
}
