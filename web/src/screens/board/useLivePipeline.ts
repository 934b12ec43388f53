import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../../gql';
import type { BoardCardFragment, BoardQuery, PipelineChangedSubscription } from '../../gql/graphql';
import { useEvents } from '../../lib/live';
import { addCard, emptyTotals, moveCard, updateCard, type BoardState } from './pipeline-state';

graphql(`
  fragment BoardCard on Deal {
    id
    title
    stage
    stageChangedAt
    contractPrice
    offerAmount
    assignedUser {
      id
      name
    }
    lead {
      id
      firstName
      lastName
    }
  }
`);

/** Totals per stage and the 30 most recently moved deals of each column, in one request. */
export const BoardDocument = graphql(`
  query Board($first: Int!) {
    pipeline {
      stage
      count
      totalValue
    }
    newDeals: deals(first: $first, filter: { stages: [NEW] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    contacted: deals(first: $first, filter: { stages: [CONTACTED] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    appointmentSet: deals(first: $first, filter: { stages: [APPOINTMENT_SET] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    offerMade: deals(first: $first, filter: { stages: [OFFER_MADE] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    negotiation: deals(first: $first, filter: { stages: [NEGOTIATION] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    underContract: deals(first: $first, filter: { stages: [UNDER_CONTRACT] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    closedWon: deals(first: $first, filter: { stages: [CLOSED_WON] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
    closedLost: deals(first: $first, filter: { stages: [CLOSED_LOST] }, orderBy: { field: STAGE_CHANGED_AT }) {
      ...BoardColumn
    }
  }
  fragment BoardColumn on DealConnection {
    edges {
      node {
        ...BoardCard
      }
    }
  }
`);

const PipelineChanged = graphql(`
  subscription PipelineChanged {
    pipelineEvents {
      type
      fromStage
      toStage
      deal {
        ...BoardCard
      }
    }
  }
`);

function fromQuery(data: BoardQuery): BoardState {
  const totals = emptyTotals();
  for (const t of data.pipeline) totals[t.stage] = { count: t.count, value: t.totalValue };
  const cards = new Map<string, BoardCardFragment>();
  const { pipeline: _totals, ...columns } = data;
  for (const col of Object.values(columns)) for (const { node } of col.edges) cards.set(node.id, node);
  return { totals, cards };
}

/**
 * The pipeline, loaded once and then kept current by `pipelineEvents` (deals created, moved and
 * updated by anyone in the organization). `first: 0` loads the totals only (the dashboard).
 */
export function useLivePipeline(first: number) {
  const [result, refetch] = useQuery({ query: BoardDocument, variables: { first }, requestPolicy: 'network-only' });
  const [state, setState] = useState<BoardState | null>(null);
  // Events that arrive while the board loads are kept and applied on top of it (applying one the
  // answer already reflects changes nothing).
  const early = useRef<PipelineChangedSubscription[] | null>([]);
  useEffect(() => {
    if (!result.data || result.stale) return;
    setState((early.current ?? []).reduce(apply, fromQuery(result.data)));
    early.current = null;
  }, [result.data, result.stale]);
  useEvents(PipelineChanged, {}, (e) => {
    if (early.current) early.current.push(e);
    else setState((s) => s && apply(s, e));
  });
  const reload = useCallback(() => refetch({ requestPolicy: 'network-only' }), [refetch]);
  return { state, setState, error: result.error, fetching: result.fetching, reload };
}

function apply(s: BoardState, e: PipelineChangedSubscription): BoardState {
  const { type, fromStage, deal } = e.pipelineEvents;
  if (!deal) return s;
  if (type === 'DEAL_CREATED') return addCard(s, deal);
  if (type === 'DEAL_MOVED') return moveCard(s, deal, fromStage, deal.stage);
  if (type === 'DEAL_UPDATED') return updateCard(s, deal);
  return s;
}
