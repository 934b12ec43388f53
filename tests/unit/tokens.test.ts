import { describe, expect, it } from 'vitest';
import { Role } from '../../entities/enums.js';
import { TokenSigner } from '../../src/platform/auth/tokens.js';

const SECRET = 'unit-test-secret-that-is-long-enough-1234567890';
// The auth epoch travels in the token (UserStates compares it with the user's current one).
const user = { id: 'u-1', organizationId: 'o-1', role: Role.AGENT, epoch: 3 };

describe('TokenSigner.verifyAccess and its per-process cache', () => {
  it('answers a verified token from the cache and still refuses it once it has expired', async () => {
    // 2 s: `exp` is whole seconds, rounded down, so a 1 s token signed late in a second could be
    // expired before its first check.
    const signer = new TokenSigner(SECRET, 2);
    const { token, expiresAt } = await signer.signAccess(user);
    expect(await signer.verifyAccess(token)).toEqual(user);
    expect(await signer.verifyAccess(token)).toEqual(user); // from the cache
    const exp = Math.floor(expiresAt.getTime() / 1000);
    await new Promise((r) => setTimeout(r, Math.max(0, (exp + 0.05) * 1000 - Date.now())));
    await expect(signer.verifyAccess(token)).rejects.toMatchObject({
      message: 'Access token expired',
      code: 'UNAUTHENTICATED',
    });
  });

  it('never caches a refusal: a token signed with another secret is refused every time', async () => {
    const other = await new TokenSigner(`${SECRET}-other`, 60).signAccess(user);
    const signer = new TokenSigner(SECRET, 60);
    for (let i = 0; i < 2; i++)
      await expect(signer.verifyAccess(other.token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
