import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { stringifyDocument } from '@urql/core';

/** Where the API is: the same origin that served the app (Vite proxies it in development). */
export const HTTP_URL = new URL('/graphql', window.location.href).toString();
export const WS_URL = HTTP_URL.replace(/^http/, 'ws');

/**
 * Production builds send persisted documents only (the hash codegen's client preset embedded in
 * each document, listed in web/src/gql/persisted-documents.json, which the server trusts), so a
 * server with PERSISTED_OPERATIONS=only serves this app. Development sends the document text.
 */
export const SEND_HASHES = import.meta.env.PROD;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any document the preset generated
export function documentHash(document: TypedDocumentNode<any, any>): string | undefined {
  // The preset writes "sha256:<hex>"; the APQ extension carries the hex.
  return (document as { __meta__?: { hash?: string } }).__meta__?.hash?.replace(/^sha256:/, '');
}

/** One request body, as GraphQL over HTTP and the APQ extension spell it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any document the preset generated
export function requestBody(document: TypedDocumentNode<any, any>, variables: object): string {
  const hash = documentHash(document);
  if (SEND_HASHES && hash)
    return JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
  return JSON.stringify({ query: stringifyDocument(document), variables });
}
