import { existsSync } from 'node:fs';
import { join } from 'node:path';
import compression from 'compression';
import express from 'express';
import helmet from 'helmet';
import type { Config } from '../config.js';
import { sendHttpError } from './errors.js';

/**
 * The reference web client (web/, built by `npm run web:build` into WEB_DIR): the app at /app (its
 * screens are paths below it, so every /app/* that is not a file answers index.html) and the GraphQL
 * explorer at /graphiql when introspection is on. Assets carry content hashes and are cached for a
 * year; the pages themselves are never cached, so a new build is picked up at the next load. Both
 * are compressed, and their CSP allows this origin only (no CDN): scripts, styles, fonts, the
 * explorer's web workers, fetch/WebSocket to /graphql, and uploads to the object store.
 */
export function webRoutes(config: Config, storageOrigin: string): express.Router {
  const router = express.Router();
  const dir = config.webDir;
  router.use(['/app', '/graphiql'], compression(), pageHeaders(storageOrigin));
  const page = (file: string) => (_req: express.Request, res: express.Response) => {
    const path = join(dir, file);
    if (!existsSync(path))
      return sendHttpError(res, 503, 'SERVICE_UNAVAILABLE', 'The web client is not built: run `npm run web:build`');
    res.setHeader('cache-control', 'no-cache');
    res.sendFile(path);
  };
  router.use(
    '/app/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: true }),
    (_req, res) => sendHttpError(res, 404, 'NOT_FOUND', 'No such file'),
  );
  router.get(['/app', '/app/{*rest}'], page('index.html'));
  if (config.introspection) router.get('/graphiql', page('graphiql.html'));
  router.get('/', (_req, res) => res.redirect(302, '/app/'));
  return router;
}

/** `storageOrigin`: where the browser uploads import files with presigned PUTs (object storage). */
function pageHeaders(storageOrigin: string): express.RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // React sets style attributes (progress widths) and the explorer's editor injects styles.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'", 'ws:', 'wss:', storageOrigin],
        workerSrc: ["'self'", 'blob:'],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    crossOriginEmbedderPolicy: false,
  });
}
