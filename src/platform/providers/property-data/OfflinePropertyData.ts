import { createHash } from 'node:crypto';
import { ZIP_TABLE } from '../geocoder/zip-table.js';
import {
  ProviderError,
  type HazardReport,
  type OwnerFacts,
  type PropertyDataProvider,
  type RiskLevel,
  type Sale,
} from './PropertyData.js';

/** Price per square foot and typical age by metro, so generated sales look like their market. */
const MARKET: Record<string, { ppsf: number; builtFrom: number }> = {
  TX: { ppsf: 185, builtFrom: 1955 },
  AZ: { ppsf: 240, builtFrom: 1965 },
  GA: { ppsf: 170, builtFrom: 1950 },
  FL: { ppsf: 230, builtFrom: 1960 },
  NC: { ppsf: 200, builtFrom: 1955 },
  TN: { ppsf: 180, builtFrom: 1950 },
  IN: { ppsf: 130, builtFrom: 1940 },
  OH: { ppsf: 120, builtFrom: 1935 },
  MI: { ppsf: 90, builtFrom: 1930 },
  NV: { ppsf: 230, builtFrom: 1975 },
  MO: { ppsf: 120, builtFrom: 1940 },
  AL: { ppsf: 110, builtFrom: 1945 },
  PA: { ppsf: 150, builtFrom: 1925 },
  MD: { ppsf: 160, builtFrom: 1930 },
};

/** Known hazard areas; other ZIPs fall back to a deterministic draw. */
const HAZARDS: Record<string, Partial<HazardReport>> = {
  '77021': { floodZone: 'AE', floodRisk: 'HIGH' },
  '77088': { floodZone: 'AE', floodRisk: 'HIGH' },
  '33610': { floodZone: 'AE', floodRisk: 'HIGH', heatRisk: 'HIGH' },
  '33612': { floodZone: 'A', floodRisk: 'MODERATE', heatRisk: 'HIGH' },
  '85008': { heatRisk: 'HIGH', wildfireRisk: 'MODERATE' },
  '85031': { heatRisk: 'HIGH' },
  '85301': { heatRisk: 'HIGH', wildfireRisk: 'MODERATE' },
  '89110': { heatRisk: 'HIGH', wildfireRisk: 'MODERATE' },
  '78745': { wildfireRisk: 'MODERATE' },
};

const STREETS = ['Oak', 'Elm', 'Pine', 'Cedar', 'Maple', 'Birch', 'Walnut', 'Ash', 'Hickory', 'Magnolia'];

function rng(seed: string) {
  let h = createHash('sha256').update(seed).digest().readUInt32BE(0);
  return () => {
    h = (h + 0x6d2b79f5) >>> 0;
    let t = h;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The default provider: a deterministic data set built from the shipped ZIP table — 40 sales per
 * metro ZIP over the last two years, flood/wildfire/heat risk per ZIP, owner facts per address —
 * answering like the hosted services do, including "no data" (unknown ZIPs: null) and outages
 * (ZIPs 99990-99999: a transient ProviderError).
 */
export class OfflinePropertyData implements PropertyDataProvider {
  readonly name = 'offline-dataset';
  private readonly byZip = new Map<string, Sale[]>();

  constructor(private readonly today: () => Date = () => new Date('2026-11-01T00:00:00Z')) {}

  async sales(q: { latitude: number; longitude: number; radiusMiles: number; zip: string }): Promise<Sale[] | null> {
    outage(q.zip);
    if (!ZIP_TABLE[q.zip]) return null;
    const all = Object.keys(ZIP_TABLE).flatMap((zip) => this.salesIn(zip));
    return all.filter((s) => miles(q.latitude, q.longitude, s.latitude, s.longitude) <= q.radiusMiles);
  }

  async hazards(q: { zip: string }): Promise<HazardReport | null> {
    outage(q.zip);
    if (!ZIP_TABLE[q.zip]) return null;
    const r = rng(`hazard:${q.zip}`);
    const level = (x: number): RiskLevel => (x < 0.6 ? 'LOW' : x < 0.9 ? 'MODERATE' : 'HIGH');
    return {
      floodZone: 'X',
      floodRisk: 'LOW',
      wildfireRisk: level(r()),
      heatRisk: level(r()),
      confidence: 0.7,
      ...HAZARDS[q.zip],
    };
  }

  async ownerFacts(q: { addressLine: string; zip: string }): Promise<OwnerFacts | null> {
    outage(q.zip);
    if (!ZIP_TABLE[q.zip]) return null;
    const r = rng(`owner:${q.addressLine.toUpperCase().replace(/\s+/g, ' ').trim()}:${q.zip}`);
    return {
      taxDelinquent: r() < 0.12,
      openLiens: r() < 0.08 ? 1 + Math.floor(r() * 2) : 0,
      inProbate: r() < 0.05,
      confidence: 0.6,
    };
  }

  private salesIn(zip: string): Sale[] {
    let list = this.byZip.get(zip);
    if (list) return list;
    const area = ZIP_TABLE[zip]!;
    const market = MARKET[area.state] ?? { ppsf: 150, builtFrom: 1950 };
    const r = rng(`sales:${zip}`);
    const today = this.today().getTime();
    list = Array.from({ length: 40 }, (_, i) => {
      const squareFeet = 900 + Math.round(r() * 1800);
      const bedrooms = 2 + Math.floor(r() * 3);
      const ageFactor = 0.85 + r() * 0.3;
      return {
        id: `${zip}-${String(i + 1).padStart(3, '0')}`,
        addressLine: `${100 + Math.floor(r() * 9800)} ${STREETS[Math.floor(r() * STREETS.length)]} St`,
        city: area.city,
        state: area.state,
        zip,
        latitude: Math.round((area.lat + (r() - 0.5) * 0.04) * 1e6) / 1e6,
        longitude: Math.round((area.lng + (r() - 0.5) * 0.04) * 1e6) / 1e6,
        squareFeet,
        bedrooms,
        bathrooms: 1 + Math.floor(r() * 3) * 0.5 + (bedrooms > 3 ? 1 : 0),
        yearBuilt: market.builtFrom + Math.floor(r() * 60),
        salePrice: Math.round((squareFeet * market.ppsf * ageFactor) / 500) * 500,
        saleDate: new Date(today - Math.floor(r() * 730) * 86_400_000).toISOString().slice(0, 10),
      };
    });
    this.byZip.set(zip, list);
    return list;
  }
}

function outage(zip: string): void {
  if (/^9999\d$/.test(zip)) throw new ProviderError('property data provider unavailable (503)', true);
}

/** Great-circle distance in miles. */
export function miles(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const rad = Math.PI / 180;
  const a =
    Math.sin(((lat2 - lat1) * rad) / 2) ** 2 +
    Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(((lng2 - lng1) * rad) / 2) ** 2;
  return 3958.8 * 2 * Math.asin(Math.sqrt(a));
}
