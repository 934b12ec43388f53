import type { Config } from '../../config.js';
import type { Geocoder } from './Geocoder.js';
import { HttpGeocoder } from './HttpGeocoder.js';
import { OfflineGeocoder } from './OfflineGeocoder.js';

export function createGeocoder(config: Config): Geocoder {
  return config.geocoder === 'http' ? new HttpGeocoder(config.geocoderUrl!) : new OfflineGeocoder();
}

export * from './Geocoder.js';
