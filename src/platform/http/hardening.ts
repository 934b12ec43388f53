import type express from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response but the web client's (src/platform/http/web.ts): a CSP that
 * allows nothing (the API serves JSON), except inline styles for the landing page at GET /graphql
 * while introspection is on.
 */
export function securityHeaders(landingPage: boolean): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: landingPage
        ? { defaultSrc: ["'none'"], styleSrc: ["'unsafe-inline'"], frameAncestors: ["'none'"] }
        : { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}
