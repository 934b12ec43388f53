/**
 * USPS-style street normalization for duplicate detection: "123 North Main Street, Apt. 4" and
 * "123 n main st #4" are the same house. The key is street + ZIP; city names have aliases.
 */
const SUFFIXES: Record<string, string> = {
  STREET: 'ST',
  STR: 'ST',
  AVENUE: 'AVE',
  AV: 'AVE',
  AVN: 'AVE',
  ROAD: 'RD',
  DRIVE: 'DR',
  DRV: 'DR',
  LANE: 'LN',
  COURT: 'CT',
  BOULEVARD: 'BLVD',
  BOUL: 'BLVD',
  PLACE: 'PL',
  TERRACE: 'TER',
  CIRCLE: 'CIR',
  PARKWAY: 'PKWY',
  PKY: 'PKWY',
  HIGHWAY: 'HWY',
  TRAIL: 'TRL',
  SQUARE: 'SQ',
  CROSSING: 'XING',
  POINT: 'PT',
  LOOP: 'LOOP',
  WAY: 'WAY',
  COVE: 'CV',
  RUN: 'RUN',
  PIKE: 'PIKE',
  ALLEY: 'ALY',
  EXPRESSWAY: 'EXPY',
};
const DIRECTIONS: Record<string, string> = {
  NORTH: 'N',
  SOUTH: 'S',
  EAST: 'E',
  WEST: 'W',
  NORTHEAST: 'NE',
  NORTHWEST: 'NW',
  SOUTHEAST: 'SE',
  SOUTHWEST: 'SW',
};
const UNITS = new Set([
  'APT',
  'APARTMENT',
  'UNIT',
  'STE',
  'SUITE',
  'NO',
  'NUMBER',
  'RM',
  'ROOM',
  'BLDG',
  'FL',
  'LOT',
  'SPC',
  'SPACE',
]);

export function normalizeStreet(addressLine: string): string {
  const tokens = addressLine
    .toUpperCase()
    .replace(/#/g, ' # ')
    .replace(/[.,;:'"()]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (UNITS.has(t) || t === '#') {
      out.push('#');
      continue;
    }
    out.push(DIRECTIONS[t] ?? SUFFIXES[t] ?? t.replace(/(\d+)(ST|ND|RD|TH)$/, '$1'));
  }
  // "# 4" and "#4" are the same unit.
  return out
    .join(' ')
    .replace(/# (\S+)/g, '#$1')
    .replace(/(?:# ?)+#/g, '#');
}

export function normalizeAddressKey(addressLine: string, zip: string): string {
  return `${normalizeStreet(addressLine)}|${zip.slice(0, 5)}`;
}
