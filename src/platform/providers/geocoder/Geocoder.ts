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

/**
 * Errors a provider reports. `transient` ones (timeouts, 5xx, rate limits) are retried by the job;
 * permanent ones (bad request, bad credentials) are not.
 */
export class GeocoderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'GeocoderError';
  }
}

export interface Geocoder {
  readonly name: string;
  /** Resolves to null when the provider has no match for the address. */
  geocode(query: GeocodeQuery): Promise<GeocodeResult | null>;
}
