import 'graphiql/setup-workers/vite';
import 'graphiql/style.css';
import { createGraphiQLFetcher, type Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import { getOperationAST, parse } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HTTP_URL, WS_URL } from '../lib/graphql-http';
import { currentSession } from '../lib/session';

/**
 * The GraphQL explorer, served from this project's own assets (no CDN): queries and mutations go
 * over HTTP, subscriptions over graphql-ws on the same /graphql endpoint. The Headers tab's
 * Authorization is sent on both (as connectionParams for WebSocket); signed in to the app in this
 * browser, it starts filled with your token.
 */
const http = createGraphiQLFetcher({ url: HTTP_URL });
const sockets = new Map<string, Client>();

function socketFor(authorization: string | undefined): Client {
  const key = authorization ?? '';
  let client = sockets.get(key);
  if (!client) {
    client = createClient({ url: WS_URL, lazy: true, connectionParams: authorization ? { authorization } : {} });
    sockets.set(key, client);
  }
  return client;
}

function isSubscription(query: string, operationName?: string | null): boolean {
  try {
    return getOperationAST(parse(query), operationName ?? undefined)?.operation === 'subscription';
  } catch {
    return false; // let the server explain the syntax error
  }
}

const fetcher: Fetcher = (sent, opts) => {
  // An anonymous operation has no name: send none rather than "" (not a valid name, so refused).
  const params = { ...sent, operationName: sent.operationName || undefined };
  if (!isSubscription(params.query, params.operationName)) return http(params, opts);
  const headers = (opts?.headers ?? {}) as Record<string, string>;
  const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  const client = socketFor(authorization);
  // graphql-ws yields formatted results, which is what GraphiQL renders.
  return client.iterate({
    query: params.query,
    variables: params.variables ?? undefined,
    operationName: params.operationName ?? undefined,
  }) as unknown as ReturnType<Fetcher>;
};

const session = currentSession();
const initialHeaders = JSON.stringify(
  session ? { Authorization: `Bearer ${session.accessToken}` } : { Authorization: 'Bearer <paste an access token>' },
  null,
  2,
);

const defaultQuery = `# Real Estate OS — GraphQL explorer (works offline).
# Sign in with the login mutation, then put the accessToken in the Headers tab as
# {"Authorization": "Bearer <token>"}. Subscriptions run over WebSocket with the same header.

query Me {
  me {
    name
    role
  }
  pipeline {
    stage
    count
  }
}
`;

createRoot(document.getElementById('graphiql')!).render(
  <StrictMode>
    <GraphiQL
      fetcher={fetcher}
      defaultHeaders={initialHeaders}
      defaultQuery={defaultQuery}
      defaultEditorToolsVisibility="headers"
    />
  </StrictMode>,
);
