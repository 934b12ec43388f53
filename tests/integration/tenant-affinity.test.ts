import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { preferSameTenant } from '../../src/platform/db/tenant-affinity.js';
import { runAsTenant } from '../../src/platform/tenancy/tenant-context.js';
import { TEST_DB } from '../helpers/env.js';

// A real pg pool of one connection against the test database: who gets the connection, in which order.
const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:5432/${TEST_DB}`, max: 1 });
afterAll(() => pool.end());
expect(preferSameTenant(pool)).toBe(true);

const order: string[] = [];
/** Reserves the connection as `tenant`; gives it back at once unless `hold`. */
function reserve(tenant: string, label: string, hold = false): Promise<pg.PoolClient> {
  return runAsTenant(tenant, () => pool.connect()).then((client) => {
    order.push(label);
    if (!hold) setImmediate(() => client.release());
    return client;
  });
}

describe('connection affinity per organization', () => {
  it("serves a waiter of the connection's organization first, and passes nobody more than 8 times", async () => {
    const first = await reserve('A', 'A0', true); // a new connection: it serves A
    const waiting = [reserve('B', 'B1'), reserve('A', 'A1'), reserve('B', 'B2')];
    await new Promise((r) => setTimeout(r, 20));
    first.release();
    // A1 jumps ahead of B1 (the free connection is A's); then B1 and B2 in their order.
    await Promise.all(waiting);
    expect(order).toEqual(['A0', 'A1', 'B1', 'B2']);

    // B3 waits behind a stream of A's: after being passed 8 times it is served.
    order.length = 0;
    const holder = await reserve('A', 'hold', true);
    const b3 = reserve('B', 'B3');
    const as = Array.from({ length: 12 }, (_, i) => reserve('A', `A${i}`));
    await new Promise((r) => setTimeout(r, 20));
    holder.release();
    await Promise.all([b3, ...as]);
    expect(order.slice(1)).toEqual(['A0', 'A1', 'A2', 'A3', 'A4', 'A5', 'A6', 'A7', 'B3', 'A8', 'A9', 'A10', 'A11']);
  });
});
