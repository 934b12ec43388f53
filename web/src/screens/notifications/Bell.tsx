import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { ErrorNote, Empty, Loading } from '../../components/States';
import { graphql } from '../../gql';
import { problemOf } from '../../lib/errors';
import { when } from '../../lib/format';
import { useEvents } from '../../lib/live';
import { Link } from '../../lib/router';

const UnreadCount = graphql(`
  query UnreadCount {
    unreadNotificationCount
  }
`);

const RecentNotifications = graphql(`
  query RecentNotifications {
    notifications(first: 15) {
      edges {
        node {
          id
          kind
          title
          body
          createdAt
          readAt
          lead {
            id
          }
          deal {
            id
          }
        }
      }
    }
  }
`);

const NotificationArrived = graphql(`
  subscription NotificationArrived {
    notificationReceived {
      id
      title
    }
  }
`);

const MarkAllRead = graphql(`
  mutation MarkAllNotificationsRead {
    markNotificationsRead(all: true)
  }
`);

/** The bell: unread count kept live by notificationReceived; the panel lists the latest. */
export function Bell() {
  const [count, refetchCount] = useQuery({ query: UnreadCount });
  const [open, setOpen] = useState(false);
  const [extra, setExtra] = useState(0);
  const [list, refetchList] = useQuery({ query: RecentNotifications, pause: !open });
  const [marked, markAll] = useMutation(MarkAllRead);
  useEvents(NotificationArrived, {}, () => {
    setExtra((n) => n + 1);
    if (open) refetchList({ requestPolicy: 'network-only' });
  });
  const unread = (count.data?.unreadNotificationCount ?? 0) + extra;
  const reset = () => {
    setExtra(0);
    refetchCount({ requestPolicy: 'network-only' });
  };
  return (
    <div className="bell">
      <button
        type="button"
        className="bell-button"
        aria-label={`Notifications: ${unread} unread`}
        aria-expanded={open}
        onClick={() => {
          setOpen(!open);
          if (!open) refetchList({ requestPolicy: 'network-only' });
        }}
      >
        <svg
          aria-hidden="true"
          width="20"
          height="20"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="2"
        >
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {unread > 0 && (
          <span className="badge" data-testid="unread-count">
            {unread > 99 ? '99+' : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label="Notifications">
          <div className="bell-head">
            <strong>Notifications</strong>
            <button
              type="button"
              className="link"
              disabled={marked.fetching || unread === 0}
              onClick={() => void markAll({}).then(() => (reset(), refetchList({ requestPolicy: 'network-only' })))}
            >
              Mark all read
            </button>
          </div>
          <ErrorNote problem={problemOf(list.error ?? marked.error)} />
          {list.fetching && !list.data && <Loading what="notifications" />}
          {list.data && list.data.notifications.edges.length === 0 && <Empty>Nothing yet.</Empty>}
          <ul>
            {list.data?.notifications.edges.map(({ node: n }) => (
              <li key={n.id} className={n.readAt ? 'read' : 'unread'}>
                <div className="title">{n.lead ? <Link to={`/leads/${n.lead.id}`}>{n.title}</Link> : n.title}</div>
                {n.body && <div className="body">{n.body}</div>}
                <time>{when(n.createdAt)}</time>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
