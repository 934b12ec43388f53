import type express from 'express';
import helmet from 'helmet';

/**
 * Security headers on every response but the web client's (src/platform/http/web.ts): a CSP that
 * allows nothing (the API serves JSON), except inline styles for the landing page at GET /graphql
 * while introspection is on. Helmet decides them; none depends on the request, so they are taken
 * from it once and set in one call per response instead of helmet's chain of a dozen middlewares.
 */
export function securityHeaders(landingPage: boolean): express.RequestHandler {
  const headers = headersOf(
    helmet({
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
    }),
  );
  return (_req, res, next) => {
    res.setHeaders(headers);
    next();
  };
}

/** The headers a request-independent middleware sets, captured by running it once on a stand-in response. */
function headersOf(middleware: ReturnType<typeof helmet>): Map<string, string> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  let done = false;
  middleware({} as never, res as never, () => (done = true));
  if (!done || !headers.size) throw new Error('helmet did not set its headers synchronously');
  return headers;
}
