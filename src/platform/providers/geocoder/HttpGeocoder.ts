import { ProviderError, type Geocoder, type GeocodeQuery, type GeocodeResult } from './Geocoder.js';

/**
 * A hosted geocoder over HTTP (Census-Geocoder/Nominatim style): GET `${baseUrl}?street&city&state&zip`
 * answering `{ matches: [{ lat, lng, county, score }] }`. Timeouts, 429 and 5xx are transient.
 */
export class HttpGeocoder implements Geocoder {
  readonly name = 'http';

  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 5_000,
    private readonly apiKey?: string,
  ) {}

  async geocode(q: GeocodeQuery): Promise<GeocodeResult | null> {
    const url = new URL(this.baseUrl);
    url.searchParams.set('street', q.addressLine);
    url.searchParams.set('city', q.city);
    url.searchParams.set('state', q.state);
    url.searchParams.set('zip', q.zip);
    let res: Response;
    try {
      res = await fetch(url, {
        headers: { accept: 'application/json', ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}) },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new ProviderError(`geocoder request failed: ${(err as Error).message}`, true);
    }
    if (res.status === 404) return null;
    if (res.status === 429 || res.status >= 500) throw new ProviderError(`geocoder answered ${res.status}`, true);
    if (!res.ok) throw new ProviderError(`geocoder answered ${res.status}`, false);
    const body = (await res.json().catch(() => null)) as {
      matches?: { lat: number; lng: number; county?: string; score?: number }[];
    } | null;
    if (!body || !Array.isArray(body.matches))
      throw new ProviderError('geocoder answered with an unexpected body', true);
    const m = body.matches[0];
    if (!m || !Number.isFinite(m.lat) || !Number.isFinite(m.lng)) return null;
    return { latitude: m.lat, longitude: m.lng, county: m.county ?? '', confidence: m.score ?? 0.5 };
  }
}
