import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorNote, FieldError, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { ActivityType, MyDayTaskFragment } from '../../gql/graphql';
import { problemOf, splitByField } from '../../lib/errors';
import { label, when } from '../../lib/format';
import { useEvents } from '../../lib/live';
import { Link } from '../../lib/router';

graphql(`
  fragment MyDayTask on Task {
    id
    title
    type
    priority
    dueAt
    allDay
    lead {
      id
      firstName
      lastName
      phone
    }
  }
  fragment MyDayLead on Lead {
    id
    firstName
    lastName
    source
    phone
    createdAt
    lastInboundAt
  }
`);

const MyDayQuery = graphql(`
  query MyDay {
    myDay(limit: 25) {
      date
      counts {
        todayTasks
        overdueTasks
        newLeads
        awaitingReply
        staleLeads
      }
      overdueTasks {
        ...MyDayTask
      }
      todayTasks {
        ...MyDayTask
      }
      newLeads {
        ...MyDayLead
      }
      awaitingReply {
        ...MyDayLead
      }
    }
  }
`);

const CompleteTask = graphql(`
  mutation CompleteTaskWithOutcome($id: ID!, $input: CompleteTaskInput) {
    completeTask(id: $id, input: $input) {
      id
      status
    }
  }
`);

const MyDayChanged = graphql(`
  subscription MyDayChanged {
    pipelineEvents {
      type
    }
  }
`);

const REFRESH_ON = new Set(['TASK_CREATED', 'TASK_COMPLETED', 'LEAD_CREATED', 'LEAD_ASSIGNED', 'MESSAGE_RECEIVED']);

/** Today's tasks (overdue first), new leads not yet contacted, and replies waiting for an answer. */
export function MyDay() {
  const [result, refetch] = useQuery({ query: MyDayQuery });
  const [completing, setCompleting] = useState<MyDayTaskFragment | null>(null);
  useEvents(MyDayChanged, {}, (e) => {
    if (REFRESH_ON.has(e.pipelineEvents.type)) refetch({ requestPolicy: 'network-only' });
  });
  const day = result.data?.myDay;
  if (!day) {
    if (result.error)
      return <ErrorNote problem={problemOf(result.error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <Loading what="your day" />;
  }
  const tasks = [...day.overdueTasks, ...day.todayTasks];
  return (
    <section aria-labelledby="myday-title">
      <div className="screen-head">
        <h1 id="myday-title">My day</h1>
        <span className="muted">
          {day.counts.todayTasks} due today · {day.counts.overdueTasks} overdue · {day.counts.newLeads} new leads ·{' '}
          {day.counts.awaitingReply} replies waiting
        </span>
      </div>
      <div className="grid2">
        <div className="panel">
          <h2>Tasks</h2>
          {tasks.length === 0 && <Empty>Nothing due today. Good time to call new leads.</Empty>}
          <ul className="rows" data-testid="tasks">
            {tasks.map((t) => (
              <li key={t.id} className={day.overdueTasks.includes(t) ? 'overdue' : undefined}>
                <div>
                  <strong>{t.title}</strong>
                  <div className="muted small">
                    {label(t.type)} · {t.allDay ? 'today' : when(t.dueAt)}
                    {t.lead && (
                      <>
                        {' · '}
                        <Link to={`/leads/${t.lead.id}`}>
                          {t.lead.firstName} {t.lead.lastName}
                        </Link>
                      </>
                    )}
                  </div>
                </div>
                <button type="button" onClick={() => setCompleting(t)}>
                  Complete
                </button>
              </li>
            ))}
          </ul>
        </div>
        <div className="panel">
          <h2>Replies waiting</h2>
          <LeadList leads={day.awaitingReply} total={day.counts.awaitingReply} empty="No replies waiting." />
          <h2>New leads to contact</h2>
          <LeadList leads={day.newLeads} total={day.counts.newLeads} empty="Every new lead has been contacted." />
        </div>
      </div>
      {completing && (
        <CompleteDialog
          task={completing}
          onClose={(done) => {
            setCompleting(null);
            if (done) refetch({ requestPolicy: 'network-only' });
          }}
        />
      )}
    </section>
  );
}

interface LeadRow {
  id: string;
  firstName: string;
  lastName: string;
  source: string;
  phone?: string | null;
}

const SHOWN = 8;

function LeadList({ leads, total, empty }: { leads: LeadRow[]; total: number; empty: string }) {
  if (!leads.length) return <Empty>{empty}</Empty>;
  return (
    <ul className="rows">
      {total > SHOWN && (
        <li className="muted small">
          The {SHOWN} most recent of {total}
        </li>
      )}
      {leads.slice(0, SHOWN).map((l) => (
        <li key={l.id}>
          <Link to={`/leads/${l.id}`}>
            {l.firstName} {l.lastName}
          </Link>
          <span className="muted small">
            {label(l.source)} {l.phone ?? ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

/** What doing a task of this type usually records on the timeline. */
const ACTIVITY_FOR: Partial<Record<MyDayTaskFragment['type'], ActivityType>> = {
  TEXT: 'SMS',
  APPOINTMENT: 'MEETING',
  SITE_VISIT: 'MEETING',
};

const OUTCOMES = ['Talked — interested', 'Talked — not interested', 'Left voicemail', 'No answer', 'Wrong number'];

/** Complete a task, recording what happened (a call's outcome lands on the lead's timeline). */
function CompleteDialog({ task, onClose }: { task: MyDayTaskFragment; onClose: (done: boolean) => void }) {
  const [type, setType] = useState<ActivityType>(ACTIVITY_FOR[task.type] ?? 'CALL');
  const [outcome, setOutcome] = useState(OUTCOMES[0]!);
  const [body, setBody] = useState('');
  const [result, complete] = useMutation(CompleteTask);
  const { byField, general } = splitByField(result.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await complete({
      id: task.id,
      input: task.lead ? { activity: { type, outcome, body: body.trim() || null } } : null,
    });
    if (!r.error) onClose(true);
  };
  return (
    <div
      className="modal"
      role="dialog"
      aria-modal="true"
      aria-labelledby="complete-title"
      onKeyDown={(e) => e.key === 'Escape' && onClose(false)}
    >
      <form onSubmit={(e) => void submit(e)}>
        <h2 id="complete-title">Complete “{task.title}”</h2>
        <ErrorNote problem={general} />
        {task.lead && (
          <>
            <label htmlFor="complete-type">What you did</label>
            <select id="complete-type" autoFocus value={type} onChange={(e) => setType(e.target.value as ActivityType)}>
              {(['CALL', 'SMS', 'EMAIL', 'MEETING', 'VOICEMAIL', 'NOTE'] as ActivityType[]).map((t) => (
                <option key={t} value={t}>
                  {label(t)}
                </option>
              ))}
            </select>
            <label htmlFor="complete-outcome">Outcome</label>
            <select id="complete-outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
              {OUTCOMES.map((o) => (
                <option key={o}>{o}</option>
              ))}
            </select>
            <FieldError id="outcome-error" message={byField['input.activity.outcome']} />
            <label htmlFor="complete-notes">Notes</label>
            <textarea id="complete-notes" value={body} onChange={(e) => setBody(e.target.value)} />
            <FieldError id="notes-error" message={byField['input.activity.body']} />
          </>
        )}
        <div className="actions">
          <button type="button" onClick={() => onClose(false)}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={result.fetching}>
            {result.fetching ? 'Saving…' : 'Complete task'}
          </button>
        </div>
      </form>
    </div>
  );
}
