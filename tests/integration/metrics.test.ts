import { randomUUID } from 'node:crypto';
import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PipelineEventsDocument } from '../../client/index.js';
import { createTenant, gqlError, uniqueAddress, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

const server = await startTestServer();

describe('/metrics', () => {
  it('reports operations, latency, errors by code, subscriptions, queues and the DB pool after traffic', async () => {
    const t = await createTenant(server.url);
    const { createProperty } = await t.api.CreateProperty({ input: uniqueAddress() });
    await waitFor(
      async () => (await t.api.Property({ id: createProperty.id })).property.geocodeStatus === 'DONE',
      30_000,
      'geocoding',
    );
    await gqlError(t.api.Property({ id: randomUUID() }));
    const sub = await subscribe(server.wsUrl, t.token, print(PipelineEventsDocument));
    const text = await (await fetch(server.url.replace('/graphql', '/metrics'))).text();
    expect(text).toMatch(
      /graphql_operations_total\{operation_name="CreateProperty",operation_type="mutation",outcome="ok"\} 1/,
    );
    expect(text).toMatch(
      /graphql_operations_total\{operation_name="Property",operation_type="query",outcome="error"\} 1/,
    );
    expect(text).toMatch(
      /graphql_operations_total\{operation_name="Property",operation_type="query",outcome="ok"\} [1-9]/,
    );
    expect(text).toMatch(
      /graphql_operation_duration_seconds_bucket\{le="[\d.]+",operation_name="Me",operation_type="query"\}/,
    );
    expect(text).toMatch(/graphql_errors_total\{code="NOT_FOUND"\} 1/);
    expect(text).toMatch(/graphql_active_subscriptions 1/);
    expect(text).toMatch(/bullmq_queue_jobs\{queue="geocode",state="\w+"\} \d+/);
    expect(text).toMatch(/bullmq_job_duration_seconds_count\{queue="geocode",outcome="completed"\} [1-9]/);
    expect(text).toMatch(/db_pool_connections\{state="total"\} [1-9]/);
    expect(text).toMatch(/process_cpu_user_seconds_total/);
    await sub.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(await (await fetch(server.url.replace('/graphql', '/metrics'))).text()).toMatch(
      /graphql_active_subscriptions 0/,
    );
  });
});
