import { useState, type DragEvent, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { ErrorNote, FieldError, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { BoardCardFragment, DealStage, Role } from '../../gql/graphql';
import { problemOf, splitByField, type Problem } from '../../lib/errors';
import { label, usdShort } from '../../lib/format';
import { Link } from '../../lib/router';
import { column, moveCard, STAGES, valueOf, type BoardState } from './pipeline-state';
import { useLivePipeline } from './useLivePipeline';

const MoveDeal = graphql(`
  mutation MoveDeal($id: ID!, $stage: DealStage!, $note: String) {
    moveDeal(id: $id, stage: $stage, note: $note) {
      ...BoardCard
    }
  }
`);

const CARDS_PER_COLUMN = 30;

interface PendingLoss {
  deal: BoardCardFragment;
}

/**
 * The pipeline board: a column per stage with its count and value. Drag a card (or use its "Move
 * to" menu from the keyboard) to move the deal; the move shows at once and is undone if the server
 * refuses it, with the reason. Other people's changes arrive from pipelineEvents.
 */
export function Board({ role }: { role: Role }) {
  const { state, setState, error, fetching, reload } = useLivePipeline(CARDS_PER_COLUMN);
  const [, moveDeal] = useMutation(MoveDeal);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [pendingLoss, setPendingLoss] = useState<PendingLoss | null>(null);
  const [dragOver, setDragOver] = useState<DealStage | null>(null);

  const move = async (deal: BoardCardFragment, to: DealStage, note?: string) => {
    if (deal.stage === to) return;
    if (to === 'CLOSED_LOST' && !note) return setPendingLoss({ deal });
    setProblem(null);
    setState((s) => s && moveCard(s, deal, deal.stage, to));
    const result = await moveDeal({ id: deal.id, stage: to, note: note ?? null });
    if (result.error) {
      setState((s) => s && moveCard(s, { ...deal, stage: to }, to, deal.stage)); // undo, keeping other changes
      const { byField, general } = splitByField(result.error);
      setProblem(general ?? (byField.note ? { code: 'BAD_USER_INPUT', message: byField.note } : null));
      return;
    }
    if (result.data) setState((s) => s && moveCard(s, result.data!.moveDeal, to, result.data!.moveDeal.stage));
  };

  if (!state) {
    if (error) return <ErrorNote problem={problemOf(error)} onRetry={reload} />;
    return fetching ? <Loading what="the pipeline" /> : null;
  }
  return (
    <section aria-labelledby="board-title">
      <div className="screen-head">
        <h1 id="board-title">Pipeline</h1>
        {role === 'VIEWER' && <span className="muted">You can look; moving deals needs an agent role or above.</span>}
      </div>
      <ErrorNote problem={problem} />
      <div className="board" data-testid="board">
        {STAGES.map((stage) => (
          <Column
            key={stage}
            stage={stage}
            state={state}
            highlighted={dragOver === stage}
            onDragOver={(e) => {
              e.preventDefault();
              e.dataTransfer.dropEffect = 'move';
              setDragOver(stage);
            }}
            onDragLeave={() => setDragOver((s) => (s === stage ? null : s))}
            onDrop={(e) => {
              e.preventDefault();
              setDragOver(null);
              const deal = state.cards.get(e.dataTransfer.getData('text/x-deal-id'));
              if (deal) void move(deal, stage);
            }}
            onMove={(deal, to) => void move(deal, to)}
          />
        ))}
      </div>
      {pendingLoss && (
        <LostReason
          deal={pendingLoss.deal}
          onCancel={() => setPendingLoss(null)}
          onSubmit={(note) => {
            setPendingLoss(null);
            void move(pendingLoss.deal, 'CLOSED_LOST', note);
          }}
        />
      )}
    </section>
  );
}

interface ColumnProps {
  stage: DealStage;
  state: BoardState;
  highlighted: boolean;
  onDragOver: (e: DragEvent) => void;
  onDragLeave: () => void;
  onDrop: (e: DragEvent) => void;
  onMove: (deal: BoardCardFragment, to: DealStage) => void;
}

function Column({ stage, state, highlighted, onDragOver, onDragLeave, onDrop, onMove }: ColumnProps) {
  const cards = column(state, stage);
  const totals = state.totals[stage];
  const hidden = Math.max(0, totals.count - cards.length);
  return (
    <div
      className={`column${highlighted ? ' drop' : ''}`}
      data-stage={stage}
      onDragOver={onDragOver}
      onDragLeave={onDragLeave}
      onDrop={onDrop}
      aria-label={`${label(stage)}: ${totals.count} deals`}
      role="list"
    >
      <header>
        <h2>{label(stage)}</h2>
        <span className="count" data-testid={`count-${stage}`}>
          {totals.count}
        </span>
        <span className="value">{usdShort(totals.value)}</span>
      </header>
      {cards.map((deal) => (
        <Card key={deal.id} deal={deal} onMove={onMove} />
      ))}
      {hidden > 0 && <div className="more">and {hidden} more</div>}
      {totals.count === 0 && <div className="more">No deals</div>}
    </div>
  );
}

function Card({ deal, onMove }: { deal: BoardCardFragment; onMove: (d: BoardCardFragment, to: DealStage) => void }) {
  return (
    <article
      className="card"
      role="listitem"
      draggable
      data-deal-id={deal.id}
      onDragStart={(e) => {
        e.dataTransfer.setData('text/x-deal-id', deal.id);
        e.dataTransfer.effectAllowed = 'move';
      }}
    >
      <div className="card-title">
        {deal.lead ? <Link to={`/leads/${deal.lead.id}`}>{deal.title}</Link> : deal.title}
      </div>
      <div className="card-meta">
        <span>{valueOf(deal) ? usdShort(valueOf(deal)) : 'No price yet'}</span>
        <span>{deal.assignedUser?.name ?? 'Unassigned'}</span>
      </div>
      <label className="sr-only" htmlFor={`move-${deal.id}`}>
        Move {deal.title} to
      </label>
      <select
        id={`move-${deal.id}`}
        className="move"
        value=""
        onChange={(e) => e.target.value && onMove(deal, e.target.value as DealStage)}
      >
        <option value="">Move to…</option>
        {STAGES.filter((s) => s !== deal.stage).map((s) => (
          <option key={s} value={s}>
            {label(s)}
          </option>
        ))}
      </select>
    </article>
  );
}

function LostReason(props: { deal: BoardCardFragment; onCancel: () => void; onSubmit: (note: string) => void }) {
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | undefined>();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!note.trim()) return setError('Say why the deal was lost; the team learns from it.');
    props.onSubmit(note.trim());
  };
  return (
    <div
      className="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="lost-title"
      onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
    >
      <form onSubmit={submit}>
        <h2 id="lost-title">Why was “{props.deal.title}” lost?</h2>
        <label htmlFor="lost-note">Reason</label>
        <textarea id="lost-note" autoFocus value={note} onChange={(e) => setNote(e.target.value)} />
        <FieldError id="lost-note-error" message={error} />
        <div className="actions">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <button type="submit" className="primary">
            Mark lost
          </button>
        </div>
      </form>
    </div>
  );
}
