import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/platform/providers/geocoder/Geocoder.js';
import { OfflineGeocoder } from '../../src/platform/providers/geocoder/OfflineGeocoder.js';

const g = new OfflineGeocoder();

describe('OfflineGeocoder', () => {
  it('is deterministic and places the house inside its ZIP', async () => {
    const q = { addressLine: '12 Elm St', city: 'Austin', state: 'TX', zip: '78701' };
    const a = await g.geocode(q);
    const b = await g.geocode({ ...q, addressLine: ' 12  elm st ' });
    expect(a).toEqual(b);
    expect(a!.county).toBe('Travis');
    expect(Math.abs(a!.latitude - 30.2711)).toBeLessThan(0.02);
    expect(Math.abs(a!.longitude + 97.7437)).toBeLessThan(0.02);
    const other = await g.geocode({ ...q, addressLine: '14 Elm St' });
    expect(other!.latitude).not.toBe(a!.latitude);
  });

  it('answers "no match" for unknown ZIPs or a state that does not match', async () => {
    expect(await g.geocode({ addressLine: '1 A St', city: 'X', state: 'TX', zip: '12345' })).toBeNull();
    expect(await g.geocode({ addressLine: '1 A St', city: 'Austin', state: 'GA', zip: '78701' })).toBeNull();
  });

  it('fails like a real provider: transient outages and permanent rejections', async () => {
    await expect(g.geocode({ addressLine: '1 A St', city: 'X', state: 'AK', zip: '99995' })).rejects.toMatchObject({
      transient: true,
    });
    const err = await g.geocode({ addressLine: '1 A St', city: 'X', state: 'AK', zip: '99985' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.transient).toBe(false);
  });
});
