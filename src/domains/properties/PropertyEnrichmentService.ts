import { Property } from '../../../entities/index.js';
import { EnrichmentStatus, GeocodeStatus } from '../../../entities/enums.js';
import type { PropertyEnrichment, Provenance } from '../../../entities/Property.js';
import type { EnrichPropertyJob, GeocodePropertyJob } from '../../platform/jobs/queues.js';
import { PermanentJobFailure, type JobRun } from '../../platform/jobs/job-run.js';
import type { GeocodeResult } from '../../platform/providers/geocoder/index.js';
import { ProviderError } from '../../platform/providers/provider-error.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';
import type { ServiceScope } from '../scope.js';
import { refreshScores } from '../underwriting/score-store.js';

/** Owner facts that become tags, so lists can filter on them and the score reads them. */
const FACT_TAGS = { taxDelinquent: 'tax-delinquent', openLiens: 'lien', inProbate: 'probate' } as const;

export type GeocodeOutcome = { status: GeocodeStatus | 'STALE' | 'GONE' };

/**
 * What the geocode and enrich jobs do to a property: fill coordinates and county, then hazards and
 * owner facts, each field with its provenance (source, fetched at, method, confidence), and announce
 * PROPERTY_UPDATED. A provider's permanent failure fails the job at once; transient ones are retried.
 */
export class PropertyEnrichmentService {
  constructor(private readonly scope: ServiceScope) {}

  /**
   * Geocodes one address. Safe to retry: it writes the same values for the same address, and skips
   * when the property's address changed after the job was queued (a newer job owns that address).
   */
  async geocode(data: GeocodePropertyJob): Promise<GeocodeOutcome> {
    const { em, deps } = this.scope;
    const property = await em.findOne(Property, { id: data.propertyId });
    if (!property || property.archivedAt) return { status: 'GONE' };
    if (property.normalizedAddress !== data.normalizedAddress) return { status: 'STALE' };
    const { addressLine, city, state, zip } = property;
    const result = await permanentIfRefused(() => deps.geocoder.geocode({ addressLine, city, state, zip }));
    if (result) applyGeocode(property, result, `geocoder:${deps.geocoder.name}`);
    else property.geocodeStatus = GeocodeStatus.NOT_FOUND;
    await em.flush();
    this.announce(data.organizationId, data.propertyId);
    return { status: property.geocodeStatus };
  }

  /** Geocoding gave up (permanent error, or attempts exhausted), unless the address changed since. */
  async geocodeGaveUp(data: GeocodePropertyJob): Promise<void> {
    const updated = await this.scope.em.nativeUpdate(
      Property,
      { id: data.propertyId, normalizedAddress: data.normalizedAddress },
      { geocodeStatus: GeocodeStatus.FAILED },
    );
    if (updated) this.announce(data.organizationId, data.propertyId);
  }

  /**
   * Hazards and owner facts from the property-data provider. Progress: 10 (started), 60 (provider
   * answered), 100 (saved). Safe to repeat: it overwrites with the latest.
   */
  async enrich(job: JobRun<EnrichPropertyJob>): Promise<{ status: EnrichmentStatus | 'GONE' }> {
    const { em, deps } = this.scope;
    const property = await em.findOne(Property, { id: job.data.propertyId });
    if (!property || property.archivedAt) return { status: 'GONE' };
    await job.progress(10);
    const provider = deps.propertyData;
    const [hazards, owner] = await permanentIfRefused(() =>
      Promise.all([
        provider.hazards({ zip: property.zip, latitude: property.latitude, longitude: property.longitude }),
        provider.ownerFacts({ addressLine: property.addressLine, zip: property.zip }),
      ]),
    );
    await job.progress(60);
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
      property.tags = factTags(property.tags, o);
    }
    property.enrichment = enrichment;
    property.enrichmentStatus = hazards || owner ? EnrichmentStatus.DONE : EnrichmentStatus.NO_DATA;
    await em.flush();
    await refreshScores(em, [property.id]); // owner facts became tags the score reads
    await job.progress(100);
    this.announce(job.data.organizationId, job.data.propertyId);
    return { status: property.enrichmentStatus };
  }

  /** Enrichment gave up: the property says so. */
  async enrichGaveUp(data: EnrichPropertyJob): Promise<void> {
    await this.scope.em.nativeUpdate(Property, { id: data.propertyId }, { enrichmentStatus: EnrichmentStatus.FAILED });
  }

  private announce(organizationId: string, propertyId: string): void {
    publishPipelineEvent(this.scope, organizationId, PipelineEventType.PROPERTY_UPDATED, { propertyId });
  }
}

/** A provider's permanent refusal becomes a permanent job failure; everything else is retried. */
async function permanentIfRefused<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ProviderError && !err.transient) throw new PermanentJobFailure(err.message);
    throw err;
  }
}

function applyGeocode(property: Property, result: GeocodeResult, source: string): void {
  property.latitude = result.latitude;
  property.longitude = result.longitude;
  property.county = result.county || property.county;
  property.geocodeStatus = GeocodeStatus.DONE;
  // Provenance for the fields this job fills, beside the enrichment job's.
  const stamp = {
    source,
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
}

function factTags(tags: string[], facts: { taxDelinquent: boolean; openLiens: number; inProbate: boolean }): string[] {
  const out = new Set(tags);
  if (facts.taxDelinquent) out.add(FACT_TAGS.taxDelinquent);
  if (facts.openLiens > 0) out.add(FACT_TAGS.openLiens);
  if (facts.inProbate) out.add(FACT_TAGS.inProbate);
  return [...out];
}
