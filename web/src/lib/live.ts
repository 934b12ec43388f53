import { useEffect, useRef } from 'react';
import { useSubscription } from 'urql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

/**
 * Calls `onEvent` for every event of a subscription (urql's hook keeps only the last one; a board
 * must see each). Pauses while `pause` is true.
 */
export function useEvents<T, V extends object>(
  query: TypedDocumentNode<T, V>,
  variables: V,
  onEvent: (event: T) => void,
  pause = false,
): void {
  const handler = useRef(onEvent);
  useEffect(() => {
    handler.current = onEvent;
  });
  useSubscription<T, T, V>(
    { query, variables, pause } as Parameters<typeof useSubscription<T, T, V>>[0],
    (_prev, event) => {
      handler.current(event);
      return event;
    },
  );
}
