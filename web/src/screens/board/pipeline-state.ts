import type { BoardCardFragment, DealStage } from '../../gql/graphql';

/** Stages in pipeline order (the columns). */
export const STAGES: DealStage[] = [
  'NEW',
  'CONTACTED',
  'APPOINTMENT_SET',
  'OFFER_MADE',
  'NEGOTIATION',
  'UNDER_CONTRACT',
  'CLOSED_WON',
  'CLOSED_LOST',
];

/** What the server counts as a deal's value in `pipeline` (contract price, else offer, else 0). */
export const valueOf = (d: Pick<BoardCardFragment, 'contractPrice' | 'offerAmount'>) =>
  d.contractPrice ?? d.offerAmount ?? 0;

export interface Totals {
  count: number;
  value: number;
}

/**
 * The board as it stands: every stage's totals (from `pipeline`) and the cards loaded per column.
 * Events from `pipelineEvents` and this user's own moves change it in place, never by a refetch.
 * Applying the same move twice (our optimistic move, then its event) changes nothing the second time.
 */
export interface BoardState {
  totals: Record<DealStage, Totals>;
  cards: Map<string, BoardCardFragment>;
}

export function emptyTotals(): Record<DealStage, Totals> {
  return Object.fromEntries(STAGES.map((s) => [s, { count: 0, value: 0 }])) as Record<DealStage, Totals>;
}

export function moveCard(
  state: BoardState,
  deal: BoardCardFragment,
  from: DealStage | null | undefined,
  to: DealStage,
): BoardState {
  const known = state.cards.get(deal.id);
  const cards = new Map(state.cards);
  cards.set(deal.id, { ...(known ?? deal), ...deal, stage: to });
  if (known?.stage === to) return { ...state, cards }; // already there (our own move, or a repeat)
  const source = known?.stage ?? from;
  const totals = { ...state.totals };
  const v = valueOf(known ?? deal);
  if (source) totals[source] = { count: totals[source].count - 1, value: totals[source].value - v };
  totals[to] = { count: totals[to].count + 1, value: totals[to].value + valueOf(deal) };
  return { totals, cards };
}

export function addCard(state: BoardState, deal: BoardCardFragment): BoardState {
  if (state.cards.has(deal.id)) return updateCard(state, deal);
  const cards = new Map(state.cards).set(deal.id, deal);
  const t = state.totals[deal.stage];
  return { cards, totals: { ...state.totals, [deal.stage]: { count: t.count + 1, value: t.value + valueOf(deal) } } };
}

export function updateCard(state: BoardState, deal: BoardCardFragment): BoardState {
  const known = state.cards.get(deal.id);
  if (known && known.stage !== deal.stage) return moveCard(state, deal, known.stage, deal.stage);
  const cards = new Map(state.cards).set(deal.id, deal);
  if (!known) return { ...state, cards };
  const t = state.totals[deal.stage];
  const delta = valueOf(deal) - valueOf(known);
  return { cards, totals: { ...state.totals, [deal.stage]: { count: t.count, value: t.value + delta } } };
}

/** A column's cards, most recently moved first. */
export function column(state: BoardState, stage: DealStage): BoardCardFragment[] {
  return [...state.cards.values()]
    .filter((c) => c.stage === stage)
    .sort((a, b) => b.stageChangedAt.localeCompare(a.stageChangedAt));
}
