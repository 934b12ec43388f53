import { DecimalType, EntityRepositoryType } from '@mikro-orm/core';
import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { LocalDateResolver } from '../src/platform/graphql/scalars.js';
import { Field, Float, Int, ObjectType } from 'type-graphql';
import { EnrichmentStatus, GeocodeStatus, PropertyType } from './enums.js';
import { PropertyRepository } from './PropertyRepository.js';
import { TenantEntity } from './TenantEntity.js';

/** Where an enriched value came from. */
export interface Provenance {
  source: string;
  fetchedAt: string;
  method: string;
  confidence: number;
}

export interface PropertyEnrichment {
  hazards?: { floodZone: string; floodRisk: string; wildfireRisk: string; heatRisk: string } | null;
  ownerFacts?: { taxDelinquent: boolean; openLiens: number; inProbate: boolean } | null;
  provenance: Record<string, Provenance>;
}

@ObjectType({ description: 'A house, building or parcel the team is tracking', simpleResolvers: true })
@Entity({ tableName: 'properties', repository: () => PropertyRepository })
export class Property extends TenantEntity<
  'propertyType' | 'tags' | 'geocodeStatus' | 'normalizedAddress' | 'enrichmentStatus'
> {
  [EntityRepositoryType]?: PropertyRepository;

  @Field()
  @Column({ type: 'text' })
  addressLine!: string;

  @Field()
  @Column({ type: 'text' })
  city!: string;

  @Field({ description: 'Two-letter USPS state code' })
  @Column({ type: 'text' })
  state!: string;

  @Field({ description: 'Five-digit ZIP code' })
  @Column({ type: 'text' })
  zip!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  county?: string;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double', nullable: true })
  latitude?: number;

  @Field(() => Float, { nullable: true })
  @Column({ type: 'double', nullable: true })
  longitude?: number;

  /** Canonical form of the street address used for duplicate detection within an organization. */
  @Column({ type: 'text' })
  normalizedAddress!: string;

  @Field(() => PropertyType)
  @Enum({ items: () => PropertyType, nativeEnumName: 'property_type' })
  propertyType: PropertyType = PropertyType.SINGLE_FAMILY;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  bedrooms?: number;

  @Field(() => Float, { nullable: true })
  @Column({ type: new DecimalType('number'), precision: 4, scale: 1, nullable: true })
  bathrooms?: number;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  squareFeet?: number;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  lotSizeSqft?: number;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  yearBuilt?: number;

  @Field(() => Float, { nullable: true })
  @Column({ type: new DecimalType('number'), precision: 14, scale: 2, nullable: true })
  estimatedValue?: number;

  @Field(() => LocalDateResolver, { nullable: true })
  @Column({ type: 'date', nullable: true })
  lastSaleDate?: string;

  @Field(() => Float, { nullable: true })
  @Column({ type: new DecimalType('number'), precision: 14, scale: 2, nullable: true })
  lastSalePrice?: number;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  ownerName?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  ownerMailingAddress?: string;

  @Field({ nullable: true })
  @Column({ type: 'boolean', nullable: true })
  ownerOccupied?: boolean;

  @Field(() => [String])
  @Column({ type: 'text[]' })
  tags: string[] = [];

  @Field(() => GeocodeStatus)
  @Enum({ items: () => GeocodeStatus, nativeEnumName: 'geocode_status' })
  geocodeStatus: GeocodeStatus = GeocodeStatus.PENDING;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  archivedAt?: Date;

  @Field(() => EnrichmentStatus)
  @Enum({ items: () => EnrichmentStatus, nativeEnumName: 'enrichment_status' })
  enrichmentStatus: EnrichmentStatus = EnrichmentStatus.NONE;

  /** Hazards and owner facts from the property-data provider, with provenance per field (see PropertyDataResolver). */
  @Column({ type: 'jsonb', nullable: true })
  enrichment?: PropertyEnrichment;

  /** The seller-motivation score as last computed, for sorting and filtering (`score` in GraphQL is live). */
  @Column({ type: 'double', nullable: true })
  score?: number;
}
