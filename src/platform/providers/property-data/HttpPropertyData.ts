import {
  ProviderError,
  type HazardReport,
  type OwnerFacts,
  type PropertyDataProvider,
  type Sale,
} from './PropertyData.js';

/**
 * Hosted property data (ATTOM/Regrid/FEMA-style) over HTTP: GET `${base}/sales`, `/hazards`,
 * `/owner` with an API key; 404 is "no data", 429/5xx/timeouts are transient, other 4xx permanent.
 */
export class HttpPropertyData implements PropertyDataProvider {
  readonly name = 'http';

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly timeoutMs = 8_000,
  ) {}

  async sales(q: { latitude: number; longitude: number; radiusMiles: number; zip: string }): Promise<Sale[] | null> {
    const body = await this.get<{ sales: Sale[] }>('sales', {
      lat: q.latitude,
      lng: q.longitude,
      radius: q.radiusMiles,
      zip: q.zip,
    });
    return body?.sales ?? null;
  }

  async hazards(q: { zip: string; latitude?: number | null; longitude?: number | null }): Promise<HazardReport | null> {
    return this.get<HazardReport>('hazards', { zip: q.zip, lat: q.latitude ?? '', lng: q.longitude ?? '' });
  }

  async ownerFacts(q: { addressLine: string; zip: string }): Promise<OwnerFacts | null> {
    return this.get<OwnerFacts>('owner', { street: q.addressLine, zip: q.zip });
  }

  private async get<T>(path: string, params: Record<string, string | number>): Promise<T | null> {
    const url = new URL(`${this.baseUrl.replace(/\/$/, '')}/${path}`);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.apiKey ? { 'x-api-key': this.apiKey } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ProviderError(`property data request failed: ${(err as Error).message}`, true);
    }
    if (res.status === 404) return null;
    if (res.status === 429 || res.status >= 500)
      throw new ProviderError(`property data provider answered ${res.status}`, true);
    if (!res.ok) throw new ProviderError(`property data provider answered ${res.status}`, false);
    try {
      return (await res.json()) as T;
    } catch {
      throw new ProviderError('property data provider answered with an unexpected body', true);
    }
  }
}
