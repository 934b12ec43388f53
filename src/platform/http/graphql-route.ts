import { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext, type HTTPGraphQLResponse } from '@apollo/server';
import type express from 'express';
import type { KnownQueries } from '../graphql/persisted.js';

/** Whether a request target is `/graphql` or below it, as Express' `app.use('/graphql')` matches (any case). */
export function isGraphqlPath(url: string | undefined): boolean {
  if (!url || url.length < 8) return false;
  const end = url.length > 8 ? url.charCodeAt(8) : -1;
  // End of path, '/', '?' or '#' after the eighth character.
  if (end !== -1 && end !== 0x2f && end !== 0x3f && end !== 0x23) return false;
  return url.slice(0, 8).toLowerCase() === '/graphql';
}

/**
 * `/graphql` over HTTP, dispatched by the HTTP server before Express' router: nearly every request
 * is a GraphQL one, and the router's walk over the app's layers, `res.send` and the Apollo
 * integration's URL parsing cost as much CPU as a small query's own resolvers (docs/architecture.md,
 * Performance). The request and response have Express' prototypes, as `app.handle` gives them (the
 * server makes them with those, see `expressMessages`), so the steps are the same Express middleware
 * as before (security headers, CORS, JSON body, token check and tenant scope, trusted documents,
 * idempotency), run in order; then Apollo answers through
 * `executeHTTPGraphQLRequest`, as `@as-integrations/express5` would, with a POST's query text handed
 * over by its hash, which this process computes once per text (`KnownQueries`). An error a step
 * passes on goes to `onError`, the app's own last handler.
 */
export function graphqlRoute<TContext extends BaseContext>(
  app: express.Express,
  steps: express.RequestHandler[],
  apollo: ApolloServer<TContext>,
  context: (req: express.Request, res: express.Response) => Promise<TContext>,
  onError: express.ErrorRequestHandler,
  known: KnownQueries,
): (req: IncomingMessage, res: ServerResponse) => void {
  apollo.assertStarted('graphqlRoute()');
  return (rawReq, rawRes) => {
    const req = (
      app.request.isPrototypeOf(rawReq) ? rawReq : Object.setPrototypeOf(rawReq, app.request)
    ) as express.Request;
    const res = (
      app.response.isPrototypeOf(rawRes) ? rawRes : Object.setPrototypeOf(rawRes, app.response)
    ) as express.Response;
    req.res = res;
    res.req = req;
    res.locals = Object.create(null) as Record<string, unknown>;
    let i = 0;
    const fail = (err: unknown) => onError(err, req, res, () => res.destroy());
    const next = (err?: unknown) => {
      if (err) return fail(err);
      const step = steps[i++];
      if (!step) return void answer(apollo, req, res, context, known).catch(fail);
      try {
        void step(req, res, next);
      } catch (e) {
        fail(e);
      }
    };
    next();
  };
}

/**
 * The classes the HTTP server makes each request and response with (its `IncomingMessage` and
 * `ServerResponse` options): Node's, with Express' `app.request` and `app.response` in their
 * prototype chains, so an object is born with the prototype `app.handle` would give it. Changing
 * an object's prototype after it is made (`Object.setPrototypeOf`, what `app.handle` does) kept
 * every request's objects, and all they reached, alive until a full collection, so each
 * young-generation collection copied and promoted them: `{ __typename }` left 11 KB a request in
 * the old generation, 4 KB without the prototype change (docs/architecture.md, "Where the garbage
 * collector's time goes"). Requests that go to Express' router still get its `setPrototypeOf`.
 */
export function expressMessages(app: express.Express) {
  class Request extends IncomingMessage {}
  Object.setPrototypeOf(Request.prototype, app.request);
  class Response extends ServerResponse<Request> {}
  Object.setPrototypeOf(Response.prototype, app.response);
  return { IncomingMessage: Request, ServerResponse: Response };
}

/**
 * `Accept: *\/*` (what fetch sends by default) is left out of what Apollo sees: Apollo answers it
 * with `application/json` after a content negotiation per request (negotiator, a measurable share of
 * a small query's CPU), and without an Accept header it picks `application/json` at once. Nothing
 * else reads the difference (the legacy 200 status is for clients that name application/json).
 * Every other header is negotiated as before.
 */
const ANY = '*/*';

async function answer<TContext extends BaseContext>(
  apollo: ApolloServer<TContext>,
  req: express.Request,
  res: express.Response,
  context: (req: express.Request, res: express.Response) => Promise<TContext>,
  known: KnownQueries,
): Promise<void> {
  const headers = new HeaderMap();
  for (const [key, value] of Object.entries(req.headers)) {
    if (value === undefined || (key === 'accept' && value === ANY)) continue;
    headers.set(key, Array.isArray(value) ? value.join(', ') : value);
  }
  const url = req.url;
  const q = url.indexOf('?');
  const hash = url.indexOf('#', q);
  const search = q < 0 ? '' : url.slice(q, hash < 0 ? undefined : hash);
  const method = req.method.toUpperCase();
  const { body, done } = method === 'POST' ? known.forApollo(req.body) : { body: req.body as unknown, done: undefined };
  let response: HTTPGraphQLResponse;
  try {
    response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body },
      context: () => context(req, res),
    });
  } finally {
    done?.();
  }
  await send(res, response);
}

/** Apollo's answer, as `res.send` wrote it: its headers, status and bytes, with a length and a charset. */
async function send(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [key, value] of response.headers) res.setHeader(key, value);
  res.statusCode = response.status ?? 200;
  const type = res.getHeader('content-type');
  if (typeof type === 'string' && !/;\s*charset=/i.test(type)) res.setHeader('content-type', `${type}; charset=utf-8`);
  if (response.body.kind === 'complete') {
    res.setHeader('content-length', Buffer.byteLength(response.body.string));
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}
