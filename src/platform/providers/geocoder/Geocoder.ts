export { ProviderError } from '../provider-error.js';

/** What the geocoding job needs from a provider. */
export interface GeocodeQuery {
  addressLine: string;
  city: string;
  state: string;
  zip: string;
}

export interface GeocodeResult {
  latitude: number;
  longitude: number;
  county: string;
  /** Provider's confidence in [0, 1]. */
  confidence: number;
}

export interface Geocoder {
  readonly name: string;
  /** Resolves to null when the provider has no match for the address. */
  geocode(query: GeocodeQuery): Promise<GeocodeResult | null>;
}
