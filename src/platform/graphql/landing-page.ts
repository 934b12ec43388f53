import type { ApolloServerPlugin } from '@apollo/server';

/**
 * What a browser gets at GET /graphql while introspection is on: a page of this server's own
 * (nothing from a CDN, so it works offline) pointing to the GraphQL explorer bundled at /graphiql,
 * the web client at /app, and Apollo Sandbox for those online.
 */
export function landingPage(): ApolloServerPlugin {
  return {
    async serverWillStart() {
      return {
        async renderLandingPage() {
          return { html: LANDING };
        },
      };
    },
  };
}

const LANDING = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>Real Estate OS — GraphQL API</title>
<style>
body{font-family:system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem;color:#1c2430;line-height:1.5}
a{color:#2563eb}li{margin:.6rem 0}code{background:#f1f5f9;padding:.1rem .3rem;border-radius:4px}
</style>
</head>
<body>
<h1>Real Estate OS — GraphQL API</h1>
<p>This is the GraphQL endpoint: <code>POST</code> queries and mutations here, and subscribe over WebSocket
(graphql-ws) at the same path.</p>
<ul>
<li><a href="/graphiql"><strong>GraphQL explorer</strong></a> — GraphiQL served by this server (works offline):
schema docs, queries, mutations and subscriptions, with a header editor for your token.</li>
<li><a href="/app/"><strong>Web app</strong></a> — the reference dashboard: pipeline board, KPIs, my day.</li>
<li><span id="sandbox">Apollo Sandbox</span> (needs internet): open
<code>https://studio.apollographql.com/sandbox/explorer</code> and point it at this endpoint.</li>
</ul>
</body>
</html>
`;
