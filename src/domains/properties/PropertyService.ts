import { Property } from '../../../entities/index.js';
import { EnrichmentStatus, GeocodeStatus, type PropertyType } from '../../../entities/enums.js';
import type { PropertyFilter, PropertyOrderColumn } from '../../../entities/PropertyRepository.js';
import type { Page, PageRequest } from '../../../entities/pagination.js';
import { isUniqueViolation, ValidationError } from '../../platform/errors/index.js';
import { normalizeAddressKey } from './address.js';
import * as v from '../../platform/validate.js';
import { findOrNotFound, requireActor, type ServiceScope } from '../scope.js';
import { refreshScores } from '../underwriting/score-store.js';
import { publishPipelineEvent, PipelineEventType } from '../events.js';

export interface PropertyFields {
  addressLine?: string | null;
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  county?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  propertyType?: PropertyType | null;
  bedrooms?: number | null;
  bathrooms?: number | null;
  squareFeet?: number | null;
  lotSizeSqft?: number | null;
  yearBuilt?: number | null;
  estimatedValue?: number | null;
  lastSaleDate?: string | null;
  lastSalePrice?: number | null;
  ownerName?: string | null;
  ownerMailingAddress?: string | null;
  ownerOccupied?: boolean | null;
  tags?: string[] | null;
}

const ADDRESS_FIELDS = ['addressLine', 'city', 'state', 'zip'] as const;

export class PropertyService {
  constructor(private readonly scope: ServiceScope) {}

  get(id: string): Promise<Property> {
    return findOrNotFound(this.scope.em, Property, id, 'Property');
  }

  page(
    filter: PropertyFilter,
    order: { column: PropertyOrderColumn; direction: 'asc' | 'desc' },
    page: PageRequest,
  ): Promise<Page<Property>> {
    return this.scope.em
      .getRepository(Property)
      .page(requireActor(this.scope).organizationId, v.listFilter(filter), order, page);
  }

  async create(input: PropertyFields): Promise<Property> {
    const actor = requireActor(this.scope);
    for (const f of ADDRESS_FIELDS)
      if (input[f] == null) throw new ValidationError(`input.${f} is required`, `input.${f}`);
    const property = new Property();
    property.organizationId = actor.organizationId;
    this.apply(property, input);
    await this.saveUnique(property);
    await this.rescore(property);
    await this.enqueueGeocode(property);
    this.announce(PipelineEventType.PROPERTY_CREATED, property);
    return property;
  }

  async update(id: string, input: PropertyFields): Promise<Property> {
    const property = await this.get(id);
    if (property.archivedAt) throw new ValidationError('An archived property cannot be changed', 'id');
    const before = property.normalizedAddress;
    this.apply(property, input);
    const addressChanged = property.normalizedAddress !== before;
    if (addressChanged) property.geocodeStatus = GeocodeStatus.PENDING;
    await this.saveUnique(property);
    await this.rescore(property);
    if (addressChanged) await this.enqueueGeocode(property);
    this.announce(PipelineEventType.PROPERTY_UPDATED, property);
    return property;
  }

  async archive(id: string): Promise<Property> {
    const property = await this.get(id);
    if (!property.archivedAt) {
      property.archivedAt = new Date();
      await this.scope.em.flush();
      this.announce(PipelineEventType.PROPERTY_ARCHIVED, property);
    }
    return property;
  }

  /** Queues hazards/owner-facts enrichment (one job per property at a time). */
  async requestEnrichment(id: string): Promise<{ jobId: string; property: Property }> {
    const property = await this.get(id);
    if (property.archivedAt) throw new ValidationError('An archived property cannot be enriched', 'id');
    property.enrichmentStatus = EnrichmentStatus.PENDING;
    await this.scope.em.flush();
    const jobId = await this.scope.deps.queues.enqueueEnrich({
      organizationId: property.organizationId,
      propertyId: property.id,
    });
    return { jobId, property };
  }

  private apply(p: Property, i: PropertyFields): void {
    if (i.addressLine != null) p.addressLine = v.requiredText(i.addressLine, 'input.addressLine');
    if (i.city != null) p.city = v.requiredText(i.city, 'input.city', 100);
    if (i.state != null) p.state = v.usState(i.state, 'input.state');
    if (i.zip != null) p.zip = v.zip(i.zip, 'input.zip');
    if (i.county !== undefined) p.county = v.optionalText(i.county, 'input.county', 100);
    if (i.latitude !== undefined) p.latitude = v.numberRange(i.latitude, 'input.latitude', -90, 90);
    if (i.longitude !== undefined) p.longitude = v.numberRange(i.longitude, 'input.longitude', -180, 180);
    if (i.propertyType != null) p.propertyType = i.propertyType;
    if (i.bedrooms !== undefined) p.bedrooms = v.intRange(i.bedrooms, 'input.bedrooms', 0, 500);
    if (i.bathrooms !== undefined) p.bathrooms = v.numberRange(i.bathrooms, 'input.bathrooms', 0, 500);
    if (i.squareFeet !== undefined) p.squareFeet = v.intRange(i.squareFeet, 'input.squareFeet', 1, 10_000_000);
    if (i.lotSizeSqft !== undefined) p.lotSizeSqft = v.intRange(i.lotSizeSqft, 'input.lotSizeSqft', 1, 2_000_000_000);
    if (i.yearBuilt !== undefined)
      p.yearBuilt = v.intRange(i.yearBuilt, 'input.yearBuilt', 1600, new Date().getUTCFullYear() + 5);
    if (i.estimatedValue !== undefined) p.estimatedValue = v.money(i.estimatedValue, 'input.estimatedValue');
    if (i.lastSaleDate !== undefined) p.lastSaleDate = v.isoDate(i.lastSaleDate, 'input.lastSaleDate');
    if (i.lastSalePrice !== undefined) p.lastSalePrice = v.money(i.lastSalePrice, 'input.lastSalePrice');
    if (i.ownerName !== undefined) p.ownerName = v.optionalText(i.ownerName, 'input.ownerName', 200);
    if (i.ownerMailingAddress !== undefined)
      p.ownerMailingAddress = v.optionalText(i.ownerMailingAddress, 'input.ownerMailingAddress', 500);
    if (i.ownerOccupied !== undefined) p.ownerOccupied = i.ownerOccupied ?? undefined;
    if (i.tags !== undefined) p.tags = v.tags(i.tags, 'input.tags') ?? [];
    p.normalizedAddress = normalizeAddressKey(p.addressLine, p.zip);
  }

  /** Saves, turning a duplicate address into an error that names the property already there. */
  private async saveUnique(property: Property): Promise<void> {
    const repo = this.scope.em.getRepository(Property);
    const clash = await repo.findByNormalizedAddress(property.normalizedAddress, property.id);
    if (clash) throw duplicate(clash);
    try {
      this.scope.em.persist(property);
      await this.scope.em.flush();
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      this.scope.em.clear();
      const existing = await repo.findByNormalizedAddress(property.normalizedAddress, property.id);
      throw existing
        ? duplicate(existing)
        : new ValidationError('A property at this address already exists', 'input.addressLine');
    }
  }

  private announce(type: PipelineEventType, property: Property): void {
    publishPipelineEvent(this.scope, property.organizationId, type, { propertyId: property.id });
  }

  /** The stored score (and its leads' copies) after the facts changed. */
  private async rescore(property: Property): Promise<void> {
    property.score = (await refreshScores(this.scope.em, [property.id])).get(property.id);
  }

  private async enqueueGeocode(property: Property): Promise<void> {
    await this.scope.deps.queues.enqueueGeocode({
      organizationId: property.organizationId,
      propertyId: property.id,
      normalizedAddress: property.normalizedAddress,
    });
  }
}

function duplicate(existing: Property): ValidationError {
  return new ValidationError(
    `A property at this address already exists: ${existing.addressLine}, ${existing.city}, ${existing.state} ` +
      `${existing.zip} (id ${existing.id})`,
    'input.addressLine',
    { existingPropertyId: existing.id },
  );
}
