import { createHash } from 'node:crypto';
import { ProviderError, type Geocoder, type GeocodeQuery, type GeocodeResult } from './Geocoder.js';
import { ZIP_TABLE } from './zip-table.js';

/**
 * The default geocoder: answers from the shipped ZIP table, deterministic for a given address.
 * It behaves like a hosted one, failures included:
 * - a ZIP it does not know: no match (null);
 * - ZIP 99990-99999: the provider is down (transient error, the job retries);
 * - ZIP 99980-99989: the provider rejects the request (permanent error, no retry).
 */
export class OfflineGeocoder implements Geocoder {
  readonly name = 'offline';

  async geocode(q: GeocodeQuery): Promise<GeocodeResult | null> {
    if (/^9999\d$/.test(q.zip)) throw new ProviderError('geocoder unavailable (503)', true);
    if (/^9998\d$/.test(q.zip)) throw new ProviderError('geocoder rejected the request (400)', false);
    const area = ZIP_TABLE[q.zip];
    if (!area || area.state !== q.state) return null;
    // A stable offset inside the ZIP (about ±2 km) so two houses do not share a point.
    const h = createHash('sha256').update(q.addressLine.toUpperCase().replace(/\s+/g, ' ').trim()).digest();
    const dLat = (h.readUInt16BE(0) / 65535 - 0.5) * 0.036;
    const dLng = (h.readUInt16BE(2) / 65535 - 0.5) * 0.036;
    return {
      latitude: Math.round((area.lat + dLat) * 1e6) / 1e6,
      longitude: Math.round((area.lng + dLng) * 1e6) / 1e6,
      county: area.county,
      confidence: 0.8,
    };
  }
}
