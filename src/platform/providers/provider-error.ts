/**
 * What every outside-world provider (geocoder, property data, …) throws when it fails. `transient`
 * ones (timeouts, 5xx, rate limits) are retried by the job; permanent ones (bad request, bad
 * credentials) are not.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}
