import { UnrecoverableError, type Job } from 'bullmq';
import { Property } from '../entities/index.js';
import { EnrichmentStatus } from '../entities/enums.js';
import type { PropertyEnrichment, Provenance } from '../entities/Property.js';
import { ProviderError } from '../src/platform/providers/property-data/index.js';
import type { EnrichPropertyJob } from '../src/platform/jobs/queues.js';
import { publishPipelineEvent, PipelineEventType } from '../src/domains/events.js';
import type { AppDeps } from '../src/domains/scope.js';
import { forkForTenant, runAsTenant } from '../src/platform/tenancy/tenant-em.js';

export type { EnrichPropertyJob };

/** Owner facts that become tags, so lists can filter on them and the score reads them. */
const FACT_TAGS = { taxDelinquent: 'tax-delinquent', openLiens: 'lien', inProbate: 'probate' } as const;

/**
 * Fills a property's hazards and owner facts from the property-data provider, with provenance for
 * every field (source, fetched at, method, confidence), then announces PROPERTY_UPDATED. Progress:
 * 10 (started), 60 (provider answered), 100 (saved). Safe to repeat: it overwrites with the latest.
 */
export function enrichPropertyProcessor(deps: AppDeps) {
  return (job: Job<EnrichPropertyJob>) => runAsTenant(job.data.organizationId, () => enrich(deps, job));
}

async function enrich(deps: AppDeps, job: Job<EnrichPropertyJob>): Promise<{ status: EnrichmentStatus | 'GONE' }> {
  const { organizationId, propertyId } = job.data;
  const em = forkForTenant(deps.orm, organizationId);
  const property = await em.findOne(Property, { id: propertyId });
  if (!property || property.archivedAt) return { status: 'GONE' };
  await job.updateProgress(10);
  const provider = deps.propertyData;
  let hazards;
  let owner;
  try {
    [hazards, owner] = await Promise.all([
      provider.hazards({ zip: property.zip, latitude: property.latitude, longitude: property.longitude }),
      provider.ownerFacts({ addressLine: property.addressLine, zip: property.zip }),
    ]);
  } catch (err) {
    if (err instanceof ProviderError && !err.transient) {
      await em.nativeUpdate(Property, { id: propertyId }, { enrichmentStatus: EnrichmentStatus.FAILED });
      throw new UnrecoverableError(err.message);
    }
    throw err;
  }
  await job.updateProgress(60);
  const fetchedAt = new Date().toISOString();
  // Keep what other jobs recorded (geocoding's latitude/longitude/county).
  const provenance: Record<string, Provenance> = { ...(property.enrichment?.provenance ?? {}) };
  const mark = (fields: string[], method: string, confidence: number) => {
    for (const f of fields) provenance[f] = { source: provider.name, fetchedAt, method, confidence };
  };
  const enrichment: PropertyEnrichment = { hazards: null, ownerFacts: null, provenance };
  if (hazards) {
    const { confidence, ...h } = hazards;
    enrichment.hazards = h;
    mark(['floodZone', 'floodRisk', 'wildfireRisk', 'heatRisk'], 'hazard lookup by ZIP', confidence);
  }
  if (owner) {
    const { confidence, ...o } = owner;
    enrichment.ownerFacts = o;
    mark(['taxDelinquent', 'openLiens', 'inProbate'], 'owner record match by address', confidence);
    const tags = new Set(property.tags);
    if (o.taxDelinquent) tags.add(FACT_TAGS.taxDelinquent);
    if (o.openLiens > 0) tags.add(FACT_TAGS.openLiens);
    if (o.inProbate) tags.add(FACT_TAGS.inProbate);
    property.tags = [...tags];
  }
  property.enrichment = enrichment;
  property.enrichmentStatus = hazards || owner ? EnrichmentStatus.DONE : EnrichmentStatus.NO_DATA;
  await em.flush();
  await job.updateProgress(100);
  publishPipelineEvent({ deps, actor: null }, organizationId, PipelineEventType.PROPERTY_UPDATED, { propertyId });
  return { status: property.enrichmentStatus };
}

/** After the last attempt: the property says so. */
export async function markEnrichmentFailed(deps: AppDeps, data: EnrichPropertyJob): Promise<void> {
  await runAsTenant(data.organizationId, () =>
    forkForTenant(deps.orm, data.organizationId).nativeUpdate(
      Property,
      { id: data.propertyId },
      { enrichmentStatus: EnrichmentStatus.FAILED },
    ),
  );
}
