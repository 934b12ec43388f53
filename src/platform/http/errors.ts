import type express from 'express';
import type { Logger } from '../observability/logger.js';

/**
 * The one shape of an error answered outside GraphQL (share links, unsubscribe, tracking, webhooks,
 * body and encoding failures): GraphQL's own `{ errors: [{ message, extensions: { code } }] }`, so a
 * client reads every error of this API the same way.
 */
export function sendHttpError(
  res: express.Response,
  status: number,
  code: string,
  message: string,
  extensions: Record<string, unknown> = {},
): void {
  res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
}

interface HttpFailure {
  type?: string;
  status?: number;
  statusCode?: number;
  limit?: number;
  expose?: boolean;
}

/**
 * The last handler of every route: body-parser failures (malformed JSON or form bodies, bad or
 * unsupported compression and charsets, too large), malformed percent-encoding in a path, and
 * anything unexpected (masked, logged with the request's path). Never Express' HTML page, never a
 * stack trace.
 */
export function httpErrors(log: Logger): express.ErrorRequestHandler {
  return (err: HttpFailure & Error, req, res, next) => {
    if (res.headersSent) return next(err);
    const status = err?.status ?? err?.statusCode ?? 500;
    if (err?.type === 'entity.too.large') {
      return sendHttpError(res, 413, 'PAYLOAD_TOO_LARGE', `Request body is larger than ${err.limit} bytes`);
    }
    if (err?.type === 'entity.parse.failed')
      return sendHttpError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON');
    if (status >= 400 && status < 500) {
      const message =
        err instanceof URIError || /decode/i.test(err?.message ?? '')
          ? 'The request path is not valid (malformed percent-encoding)'
          : err?.type
            ? `The request body could not be read (${err.type})`
            : 'Bad request';
      return sendHttpError(res, status, status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST', message);
    }
    log.error({ err, path: req.path }, 'unexpected error outside GraphQL');
    sendHttpError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
  };
}
