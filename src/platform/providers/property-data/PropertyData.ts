export { ProviderError } from '../provider-error.js';

/** A recorded sale, as a comparable-sales provider reports it. */
export interface Sale {
  id: string;
  addressLine: string;
  city: string;
  state: string;
  zip: string;
  latitude: number;
  longitude: number;
  squareFeet: number;
  bedrooms: number;
  bathrooms: number;
  yearBuilt: number;
  salePrice: number;
  saleDate: string; // YYYY-MM-DD
}

export type RiskLevel = 'LOW' | 'MODERATE' | 'HIGH';

export interface HazardReport {
  /** FEMA flood zone code (X, A, AE, VE…). */
  floodZone: string;
  floodRisk: RiskLevel;
  wildfireRisk: RiskLevel;
  heatRisk: RiskLevel;
  confidence: number;
}

export interface OwnerFacts {
  taxDelinquent: boolean;
  openLiens: number;
  inProbate: boolean;
  confidence: number;
}

/**
 * Property facts from the outside world: comparable sales, hazards, owner facts. Every method
 * resolves to null when the provider has no data for the place asked about.
 */
export interface PropertyDataProvider {
  readonly name: string;
  sales(query: { latitude: number; longitude: number; radiusMiles: number; zip: string }): Promise<Sale[] | null>;
  hazards(query: { zip: string; latitude?: number | null; longitude?: number | null }): Promise<HazardReport | null>;
  ownerFacts(query: { addressLine: string; zip: string }): Promise<OwnerFacts | null>;
}
