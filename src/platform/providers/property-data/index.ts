import type { Config } from '../../config.js';
import { HttpPropertyData } from './HttpPropertyData.js';
import { OfflinePropertyData } from './OfflinePropertyData.js';
import type { PropertyDataProvider } from './PropertyData.js';

export function createPropertyData(config: Config): PropertyDataProvider {
  return config.propertyDataUrl
    ? new HttpPropertyData(config.propertyDataUrl, config.propertyDataApiKey)
    : new OfflinePropertyData();
}

export * from './PropertyData.js';
