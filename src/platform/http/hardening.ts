import type express from 'express';
import helmet from 'helmet';

/** Sandbox (development only) loads its app from Apollo's CDN and talks to this origin. */
const SANDBOX_SOURCES = [
  'https://embeddable-sandbox.cdn.apollographql.com',
  'https://sandbox.embed.apollographql.com',
  'https://apollo-server-landing-page.cdn.apollographql.com',
];

/**
 * Security headers on every response. Production gets a CSP that allows nothing (the API serves
 * JSON only); development allows exactly what the embedded Sandbox page needs.
 */
export function securityHeaders(sandbox: boolean): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: sandbox
        ? {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'", "'unsafe-inline'", ...SANDBOX_SOURCES],
            styleSrc: ["'self'", "'unsafe-inline'", 'https://fonts.googleapis.com', ...SANDBOX_SOURCES],
            imgSrc: ["'self'", 'data:', ...SANDBOX_SOURCES],
            fontSrc: ["'self'", 'https://fonts.gstatic.com', ...SANDBOX_SOURCES],
            connectSrc: ["'self'", ...SANDBOX_SOURCES],
            frameSrc: ["'self'", ...SANDBOX_SOURCES],
            manifestSrc: ["'self'", ...SANDBOX_SOURCES],
            frameAncestors: ["'none'"],
          }
        : { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}
