import express from 'express';

/** The content types read on the fast path: plain JSON in UTF-8, as every GraphQL client sends it. */
const PLAIN_JSON = new Set(['application/json', 'application/json; charset=utf-8', 'application/json;charset=utf-8']);

/** A body failure in body-parser's shape (`status`, `type`, `limit`), which httpErrors answers. */
function failure(status: number, message: string, type: string, limit?: number): Error {
  return Object.assign(new Error(message), { status, statusCode: status, expose: true, type, ...(limit && { limit }) });
}

/**
 * `express.json({ limit })` with a fast path for the GraphQL requests nearly every client sends: a
 * POST whose body is plain UTF-8 JSON with a Content-Length and no Content-Encoding is read and
 * parsed here, without body-parser's per-request content-type parsing, charset lookup and
 * streaming decoder (docs/architecture.md, Performance). The outcomes are body-parser's: the
 * parsed object or array in `req.body` (`{}` for an empty body), and the same errors (413
 * `entity.too.large`, 400 `entity.parse.failed` for malformed JSON or a bare scalar, 400
 * `request.size.invalid` when the bytes do not match the length). Anything else (chunked or
 * compressed bodies, other charsets, other types, no body) goes to body-parser itself.
 */
export function jsonBody(limitBytes: number): express.RequestHandler {
  const general = express.json({ limit: limitBytes });
  return (req, res, next) => {
    const type = req.headers['content-type'];
    const length = req.headers['content-length'];
    const encoding = req.headers['content-encoding'];
    if (
      req.method !== 'POST' ||
      !type ||
      !PLAIN_JSON.has(type.toLowerCase()) ||
      !length ||
      (encoding && encoding.toLowerCase() !== 'identity') ||
      req.headers['transfer-encoding']
    )
      return general(req, res, next);
    const expected = Number(length);
    if (!Number.isSafeInteger(expected) || expected < 0) return general(req, res, next);
    if (expected > limitBytes) {
      req.resume(); // discard the body, so the connection stays usable for the answer
      return next(failure(413, 'request entity too large', 'entity.too.large', limitBytes));
    }
    read(req, expected, next);
  };
}

function read(req: express.Request, expected: number, next: express.NextFunction): void {
  const chunks: Buffer[] = [];
  let received = 0;
  let done = false;
  const finish = (err?: Error) => {
    if (done) return;
    done = true;
    req.off('data', onData).off('end', onEnd).off('error', onError).off('aborted', onAborted);
    if (err) {
      req.resume();
      return next(err);
    }
    next();
  };
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > expected)
      return finish(failure(400, 'request size did not match content length', 'request.size.invalid'));
    chunks.push(chunk);
  };
  const onEnd = () => {
    if (received !== expected)
      return finish(failure(400, 'request size did not match content length', 'request.size.invalid'));
    try {
      req.body = parse(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8'));
    } catch {
      return finish(failure(400, 'Request body is not valid JSON', 'entity.parse.failed'));
    }
    finish();
  };
  const onError = (err: Error) => finish(Object.assign(err, { status: 400, type: 'request.aborted' }));
  const onAborted = () => finish(failure(400, 'request aborted', 'request.aborted'));
  req.on('data', onData).on('end', onEnd).on('error', onError).on('aborted', onAborted);
}

/** body-parser's strict JSON: an object or an array (a leading BOM dropped), `{}` for an empty body. */
function parse(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.length === 0) return {};
  const first = body[0] === '{' || body[0] === '[' ? body[0] : /^[\x20\x09\x0a\x0d]*(.)/.exec(body)?.[1];
  if (first !== '{' && first !== '[') throw new SyntaxError('not an object or array');
  return JSON.parse(body) as unknown;
}
