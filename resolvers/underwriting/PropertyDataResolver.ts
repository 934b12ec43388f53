import { Arg, Authorized, Ctx, FieldResolver, Float, ID, Int, Mutation, Resolver } from 'type-graphql';
import { Property } from '../../entities/Property.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { ServiceUnavailableError, ValidationError } from '../../src/platform/errors/index.js';
import { ProviderError } from '../../src/platform/providers/property-data/index.js';
import { selectComps } from '../../src/domains/underwriting/comps.js';
import { Parent } from '../common/Parent.js';
import { CompsResult, EnrichmentRequest, FieldProvenance, Hazards } from './PropertyDataTypes.js';

@Resolver(() => Property)
export class PropertyDataResolver {
  @Authorized(WRITERS)
  @Mutation(() => EnrichmentRequest, {
    description: 'Fetch hazards and owner facts in the background; PROPERTY_UPDATED announces the result',
  })
  enrichProperty(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<EnrichmentRequest> {
    return ctx.services.properties.requestEnrichment(id);
  }

  @FieldResolver(() => Hazards, {
    nullable: true,
    description: 'Null until enriched, or when the provider has no data',
  })
  hazards(@Parent() p: Property): Hazards | null {
    return (p.enrichment?.hazards as Hazards | undefined) ?? null;
  }

  @FieldResolver(() => [FieldProvenance], {
    description: 'Source, time, method and confidence of every enriched field',
  })
  provenance(@Parent() p: Property): FieldProvenance[] {
    return Object.entries(p.enrichment?.provenance ?? {})
      .map(([field, v]) => ({ field, ...v }))
      .sort((a, b) => a.field.localeCompare(b.field));
  }

  @FieldResolver(() => CompsResult, {
    description:
      'Recent nearby sales adjusted toward this property, and the ARV they imply. Ask for one property at a time.',
  })
  async comps(
    @Parent() p: Property,
    @Ctx() ctx: Context,
    @Arg('radiusMiles', () => Float, { defaultValue: 1 }) radiusMiles: number,
    @Arg('months', () => Int, { defaultValue: 12 }) months: number,
    @Arg('limit', () => Int, { defaultValue: 8 }) limit: number,
    @Arg('pinned', () => [String], { nullable: true, description: 'Always use these sales' }) pinned?: string[],
    @Arg('excluded', () => [String], { nullable: true, description: 'Never use these sales' }) excluded?: string[],
  ): Promise<CompsResult> {
    if (!(radiusMiles > 0 && radiusMiles <= 25))
      throw new ValidationError('radiusMiles must be above 0 and at most 25', 'radiusMiles');
    if (!(months >= 1 && months <= 60)) throw new ValidationError('months must be from 1 to 60', 'months');
    if (!(limit >= 1 && limit <= 50)) throw new ValidationError('limit must be from 1 to 50', 'limit');
    const source = ctx.deps.propertyData.name;
    if (p.latitude == null || p.longitude == null) {
      return { comps: [], arv: null, reason: 'The property is not geocoded yet', source };
    }
    let sales;
    try {
      sales = await ctx.deps.propertyData.sales({
        latitude: p.latitude,
        longitude: p.longitude,
        radiusMiles,
        zip: p.zip,
      });
    } catch (err) {
      if (err instanceof ProviderError)
        throw new ServiceUnavailableError(
          `Comparable sales are unavailable right now (${err.message}); try again shortly`,
        );
      throw err;
    }
    if (!sales) return { comps: [], arv: null, reason: 'The provider has no sales data for this area', source };
    const subject = {
      latitude: p.latitude,
      longitude: p.longitude,
      squareFeet: p.squareFeet,
      bedrooms: p.bedrooms,
      bathrooms: p.bathrooms,
      yearBuilt: p.yearBuilt,
    };
    const result = selectComps(subject, sales, { radiusMiles, months, limit, pinned, excluded, today: new Date() });
    return { ...result, source };
  }
}
