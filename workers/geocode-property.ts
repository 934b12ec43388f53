import { UnrecoverableError, type Job } from 'bullmq';
import { Property } from '../entities/index.js';
import { GeocodeStatus } from '../entities/enums.js';
import type { Geocoder } from '../src/platform/providers/geocoder/index.js';
import { GeocoderError } from '../src/platform/providers/geocoder/index.js';
import type { GeocodePropertyJob } from '../src/platform/jobs/queues.js';
import { publishPipelineEvent, PipelineEventType } from '../src/domains/events.js';
import type { AppDeps } from '../src/domains/scope.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';

export type { GeocodePropertyJob };

export interface GeocodeOutcome {
  status: GeocodeStatus | 'STALE' | 'GONE';
}

/**
 * Fills latitude, longitude and county of one property, then announces PROPERTY_UPDATED.
 * Safe to retry: it writes the same values for the same address, and skips when the property's
 * address changed after the job was queued (a newer job owns that address).
 */
export function geocodePropertyProcessor(deps: AppDeps, geocoder: Geocoder) {
  return (job: Job<GeocodePropertyJob>): Promise<GeocodeOutcome> =>
    runAsTenant(job.data.organizationId, () => geocode(deps, geocoder, job));
}

async function geocode(deps: AppDeps, geocoder: Geocoder, job: Job<GeocodePropertyJob>): Promise<GeocodeOutcome> {
  const { organizationId, propertyId, normalizedAddress } = job.data;
  const em = forkForTenant(deps.orm, organizationId);
  const property = await em.findOne(Property, { id: propertyId });
  if (!property || property.archivedAt) return { status: 'GONE' };
  if (property.normalizedAddress !== normalizedAddress) return { status: 'STALE' };

  let result;
  try {
    result = await geocoder.geocode({
      addressLine: property.addressLine,
      city: property.city,
      state: property.state,
      zip: property.zip,
    });
  } catch (err) {
    const transient = err instanceof GeocoderError ? err.transient : true;
    if (!transient) {
      await markFailed(deps, job.data);
      throw new UnrecoverableError((err as Error).message);
    }
    throw err;
  }
  if (result) {
    property.latitude = result.latitude;
    property.longitude = result.longitude;
    property.county = result.county || property.county;
    property.geocodeStatus = GeocodeStatus.DONE;
    // Provenance for the fields this job fills, beside the enrichment job's.
    const stamp = {
      source: `geocoder:${geocoder.name}`,
      fetchedAt: new Date().toISOString(),
      method: 'address geocoding',
      confidence: result.confidence,
    };
    const enrichment = property.enrichment ?? { provenance: {} };
    property.enrichment = {
      ...enrichment,
      provenance: {
        ...enrichment.provenance,
        latitude: stamp,
        longitude: stamp,
        ...(result.county ? { county: stamp } : {}),
      },
    };
  } else {
    property.geocodeStatus = GeocodeStatus.NOT_FOUND;
  }
  await em.flush();
  publishPipelineEvent({ deps, actor: null }, organizationId, PipelineEventType.PROPERTY_UPDATED, { propertyId });
  return { status: property.geocodeStatus };
}

/** Records that geocoding gave up (permanent error, or attempts exhausted). */
export async function markFailed(deps: AppDeps, data: GeocodePropertyJob): Promise<void> {
  const em = forkForTenant(deps.orm, data.organizationId);
  const updated = await runAsTenant(data.organizationId, () =>
    em.nativeUpdate(
      Property,
      { id: data.propertyId, normalizedAddress: data.normalizedAddress },
      { geocodeStatus: GeocodeStatus.FAILED },
    ),
  );
  if (updated)
    publishPipelineEvent({ deps, actor: null }, data.organizationId, PipelineEventType.PROPERTY_UPDATED, {
      propertyId: data.propertyId,
    });
}
