import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorNote, FieldError, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { LeadPageQuery } from '../../gql/graphql';
import { problemOf, splitByField } from '../../lib/errors';
import { label, usd, when } from '../../lib/format';
import { useEvents } from '../../lib/live';

const LeadPageQuery = graphql(`
  query LeadPage($id: ID!) {
    lead(id: $id) {
      id
      firstName
      lastName
      phone
      email
      status
      source
      motivation
      score
      assignedUser {
        name
      }
      property {
        addressLine
        city
        state
        zip
        estimatedValue
      }
      deals {
        id
        title
        stage
        contractPrice
        offerAmount
      }
      activities(first: 30) {
        id
        type
        direction
        body
        outcome
        occurredAt
        user {
          name
        }
      }
    }
    conversation(leadId: $id, limit: 50) {
      unreadCount
      messages {
        id
        direction
        channel
        body
        subject
        status
        at
        sentBy {
          name
        }
      }
    }
    tasks(filter: { leadId: $id, statuses: [OPEN] }, first: 20) {
      edges {
        node {
          id
          title
          dueAt
          type
        }
      }
    }
  }
`);

const SendSms = graphql(`
  mutation ReplyBySms($leadId: ID!, $body: String!) {
    sendLeadSms(leadId: $leadId, body: $body) {
      id
      status
    }
  }
`);

const LeadInbound = graphql(`
  subscription LeadInbound {
    inboundMessageReceived {
      id
      leadId
    }
  }
`);

/** A lead: details, property, deals, open tasks, timeline, and the conversation with a reply box. */
export function LeadPage({ id }: { id: string }) {
  const [result, refetch] = useQuery({ query: LeadPageQuery, variables: { id } });
  useEvents(LeadInbound, {}, (e) => {
    if (e.inboundMessageReceived.leadId === id) refetch({ requestPolicy: 'network-only' });
  });
  if (!result.data) {
    if (result.error)
      return <ErrorNote problem={problemOf(result.error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <Loading what="the lead" />;
  }
  const { lead, conversation, tasks } = result.data;
  return (
    <section aria-labelledby="lead-title">
      <div className="screen-head">
        <h1 id="lead-title">
          {lead.firstName} {lead.lastName}
        </h1>
        <span className="pill">{label(lead.status)}</span>
        <span className="muted">
          {label(lead.source)} · {lead.assignedUser?.name ?? 'Unassigned'}
          {lead.score != null && ` · score ${Math.round(lead.score)}`}
        </span>
      </div>
      <div className="grid2">
        <div>
          <Details lead={lead} />
          <div className="panel">
            <h2>Open tasks</h2>
            {tasks.edges.length === 0 && <Empty>No open tasks.</Empty>}
            <ul className="rows">
              {tasks.edges.map(({ node: t }) => (
                <li key={t.id}>
                  {t.title} <span className="muted small">{when(t.dueAt)}</span>
                </li>
              ))}
            </ul>
          </div>
          <Timeline activities={lead.activities} />
        </div>
        <Conversation
          leadId={lead.id}
          canText={!!lead.phone}
          messages={conversation.messages}
          onSent={() => refetch({ requestPolicy: 'network-only' })}
        />
      </div>
    </section>
  );
}

type Lead = LeadPageQuery['lead'];

function Details({ lead }: { lead: Lead }) {
  return (
    <div className="panel">
      <h2>Details</h2>
      <dl className="details">
        <dt>Phone</dt>
        <dd>{lead.phone ?? '—'}</dd>
        <dt>Email</dt>
        <dd>{lead.email ?? '—'}</dd>
        <dt>Property</dt>
        <dd>
          {lead.property
            ? `${lead.property.addressLine}, ${lead.property.city}, ${lead.property.state} ${lead.property.zip}`
            : '—'}
        </dd>
        <dt>Estimated value</dt>
        <dd>{usd(lead.property?.estimatedValue)}</dd>
        <dt>Motivation</dt>
        <dd>{lead.motivation ?? '—'}</dd>
        <dt>Deals</dt>
        <dd>
          {lead.deals.length
            ? lead.deals.map((d) => (
                <div key={d.id}>
                  {d.title} — {label(d.stage)} {usd(d.contractPrice ?? d.offerAmount)}
                </div>
              ))
            : '—'}
        </dd>
      </dl>
    </div>
  );
}

function Timeline({ activities }: { activities: Lead['activities'] }) {
  return (
    <div className="panel">
      <h2>Timeline</h2>
      {activities.length === 0 && <Empty>No activity yet.</Empty>}
      <ol className="timeline">
        {activities.map((a) => (
          <li key={a.id}>
            <strong>
              {label(a.type)} {a.direction === 'INBOUND' ? 'from the lead' : a.user ? `by ${a.user.name}` : ''}
            </strong>
            {a.outcome && <span className="pill">{a.outcome}</span>}
            <time className="muted small">{when(a.occurredAt)}</time>
            {a.body && <p>{a.body}</p>}
          </li>
        ))}
      </ol>
    </div>
  );
}

function Conversation(props: {
  leadId: string;
  canText: boolean;
  messages: LeadPageQuery['conversation']['messages'];
  onSent: () => void;
}) {
  const [body, setBody] = useState('');
  const [result, send] = useMutation(SendSms);
  const { byField, general } = splitByField(result.error);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await send({ leadId: props.leadId, body });
    if (!r.error) {
      setBody('');
      props.onSent();
    }
  };
  const ordered = [...props.messages].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <div className="panel conversation">
      <h2>Conversation</h2>
      {ordered.length === 0 && <Empty>No messages yet.</Empty>}
      <ol className="messages" data-testid="conversation">
        {ordered.map((m) => (
          <li key={m.id} className={m.direction === 'INBOUND' ? 'in' : 'out'}>
            <div className="bubble">{m.body ?? m.subject ?? '(campaign message)'}</div>
            <div className="muted small">
              {m.channel} · {when(m.at)} · {label(m.status)}
              {m.sentBy && ` · ${m.sentBy.name}`}
            </div>
          </li>
        ))}
      </ol>
      {props.canText ? (
        <form onSubmit={(e) => void submit(e)} className="reply">
          <label htmlFor="reply-body">Reply by text</label>
          <textarea
            id="reply-body"
            value={body}
            onChange={(e) => setBody(e.target.value)}
            aria-invalid={!!byField.body}
            aria-describedby="reply-error"
          />
          <FieldError id="reply-error" message={byField.body} />
          <ErrorNote problem={general} />
          <button type="submit" className="primary" disabled={result.fetching}>
            {result.fetching ? 'Sending…' : 'Send text'}
          </button>
        </form>
      ) : (
        <Empty>This lead has no phone number to text.</Empty>
      )}
    </div>
  );
}
