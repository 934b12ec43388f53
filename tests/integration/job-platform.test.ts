import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { JobProgressDocument, type JobProgressSubscription } from '../../client/index.js';
import { ProviderError, type Geocoder, type GeocodeQuery } from '../../src/platform/providers/geocoder/index.js';
import { OfflineGeocoder } from '../../src/platform/providers/geocoder/OfflineGeocoder.js';
import { addMember, createTenant, gqlError, uniqueAddress, waitFor } from '../helpers/gql.js';
import { startTestServer } from '../helpers/server.js';
import { subscribe } from '../helpers/ws.js';

/** The offline geocoder behind a switch: down (503) until the test says it is back. */
class FlakyGeocoder implements Geocoder {
  readonly name = 'flaky';
  down = true;
  answered = 0;
  private readonly real = new OfflineGeocoder();
  async geocode(q: GeocodeQuery) {
    if (this.down) throw new ProviderError('geocoder unavailable (503)', true);
    this.answered++;
    return this.real.geocode(q);
  }
}

const geocoder = new FlakyGeocoder();
const server = await startTestServer({ config: { jobAttempts: 2, jobBackoffMs: 20 }, geocoder });

describe('job platform', () => {
  it('a job that uses up its attempts lands in the dead-letter list; a replay runs it exactly once', async () => {
    const owner = await createTenant(server.url);
    const agent = await addMember(server.url, owner, 'AGENT');
    const other = await createTenant(server.url);
    const { createProperty: p } = await owner.api.CreateProperty({ input: uniqueAddress('78701') });
    const dead = await waitFor(
      async () => (await owner.api.FailedJobs({ queue: 'geocode' })).failedJobs.edges[0]?.node,
      30_000,
      'dead letter',
    );
    expect(dead).toMatchObject({
      queue: 'geocode',
      jobName: 'geocode-property',
      attempts: 2,
      replayedAt: null,
      payload: { propertyId: p.id, organizationId: owner.organizationId },
    });
    expect(dead.lastError).toContain('503');
    await waitFor(
      async () => (await owner.api.Property({ id: p.id })).property.geocodeStatus === 'FAILED',
      30_000,
      'FAILED',
    );

    // Other organizations see nothing; only OWNER/ADMIN replay.
    expect((await other.api.FailedJobs({})).failedJobs.totalCount).toBe(0);
    // an OWNER, of another organization
    expect((await gqlError(other.api.ReplayJob({ id: dead.id }))).code).toBe('NOT_FOUND');
    expect((await gqlError(agent.api.ReplayJob({ id: dead.id }))).code).toBe('FORBIDDEN');

    geocoder.down = false;
    const before = geocoder.answered;
    const { replayJob } = await owner.api.ReplayJob({ id: dead.id });
    expect(replayJob.replayJobId).toBe(`${dead.jobId}-replay-${dead.id.slice(0, 8)}`);
    await waitFor(
      async () => (await owner.api.Property({ id: p.id })).property.geocodeStatus === 'DONE',
      30_000,
      'replayed geocode',
    );
    await waitFor(
      async () => (await owner.api.Job({ id: replayJob.replayJobId! })).job.state === 'completed',
      30_000,
      'replay job completed',
    );
    expect(geocoder.answered - before).toBe(1);
    const again = await gqlError(owner.api.ReplayJob({ id: dead.id }));
    expect(again.code).toBe('BAD_USER_INPUT');
    expect(again.message).toMatch(/already replayed .*completed/);
    await new Promise((r) => setTimeout(r, 200));
    expect(geocoder.answered - before).toBe(1);
  });

  it('jobProgress streams a job’s progress to its organization until it completes', async () => {
    geocoder.down = false;
    const t = await createTenant(server.url);
    const { createProperty: p } = await t.api.CreateProperty({ input: uniqueAddress('77021') });
    const jobId = `enrich-${p.id}`;
    const sub = await subscribe<JobProgressSubscription>(server.wsUrl, t.token, print(JobProgressDocument), {
      variables: { id: jobId },
    } as never);
    await t.api.EnrichProperty({ id: p.id });
    const seen: JobProgressSubscription['jobProgress'][] = [];
    while (!seen.some((e) => e.state === 'completed')) seen.push((await sub.next(10_000)).jobProgress);
    expect(seen.map((e) => e.progress)).toEqual(expect.arrayContaining([10, 60, 100]));
    expect(seen.at(-1)).toMatchObject({ jobId, queue: 'enrich', state: 'completed', progress: 100 });
    await sub.close();
  });
});
