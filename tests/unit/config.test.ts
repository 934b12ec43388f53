import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.js';

describe('loadConfig', () => {
  it('has working local defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      nodeEnv: 'development',
      port: 4000,
      dbAppRole: 'reos_app',
      geocoder: 'offline',
      runWorkers: true,
    });
    expect(c.databaseUrl).toBe('postgres://reos_app@127.0.0.1:5432/reos');
    expect(c.databaseOwnerUrl).toBe('postgres://postgres@127.0.0.1:5432/reos');
  });

  it('fails fast naming every bad variable at once', () => {
    const err = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', PORT: 'abc', GEOCODER: 'http' });
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(err).toContain('JWT_SECRET is required');
    expect(err).toContain('PORT must be an integer');
    expect(err).toContain('GEOCODER_URL is required when GEOCODER=http');
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32 characters/);
    expect(() => loadConfig({ DB_APP_ROLE: 'app; drop table users' })).toThrow(/DB_APP_ROLE/);
    expect(() => loadConfig({ CORS_ORIGINS: 'https://app.example.com/path' })).toThrow(/CORS_ORIGINS/);
    expect(() => loadConfig({ CORS_ORIGINS: '*', CORS_CREDENTIALS: 'true' })).toThrow(/CORS_CREDENTIALS/);
  });

  it('is generous with sign-in rate limits in development only, and reads CORS origins', () => {
    expect(loadConfig({}).rateLimits!.authMultiplier).toBe(20);
    expect(loadConfig({ NODE_ENV: 'test' }).rateLimits!.authMultiplier).toBe(1);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).rateLimits!.authMultiplier).toBe(1);
    expect(loadConfig({ CORS_ORIGINS: 'https://a.example.com, http://localhost:5173' }).corsOrigins).toEqual([
      'https://a.example.com',
      'http://localhost:5173',
    ]);
  });
});
