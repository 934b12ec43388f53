import { useEffect, useState, type ReactNode } from 'react';
import { watchLive, type LiveState } from '../lib/client';
import { Link, useRouter } from '../lib/router';
import type { Session } from '../lib/session';
import { signOut } from '../lib/session';
import { Bell } from '../screens/notifications/Bell';

const NAV = [
  ['/', 'My day'],
  ['/pipeline', 'Pipeline'],
  ['/dashboard', 'Dashboard'],
  ['/campaigns', 'Campaigns'],
  ['/imports', 'Imports'],
] as const;

export function Layout({ session, children }: { session: Session; children: ReactNode }) {
  const { path } = useRouter();
  const active = (to: string) => (to === '/' ? path === '/' : path.startsWith(to));
  return (
    <div className="layout">
      <header className="topbar">
        <Link to="/" className="brand">
          Real Estate OS
        </Link>
        <nav aria-label="Main">
          {NAV.map(([to, text]) => (
            <Link key={to} to={to} className={active(to) ? 'active' : undefined}>
              {text}
            </Link>
          ))}
          <a href="/graphiql">Explorer</a>
        </nav>
        <div className="me">
          <LiveBadge />
          <Bell />
          <span className="who" title={session.user.email}>
            {session.user.name} <small>{session.user.role.toLowerCase()}</small>
          </span>
          <button type="button" className="link" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main className="content">{children}</main>
    </div>
  );
}

function LiveBadge() {
  const [state, setState] = useState<LiveState>('idle');
  useEffect(() => watchLive(setState), []);
  const text = { idle: '', connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…' }[state];
  if (!text) return null;
  return (
    <span className={`live ${state}`} data-testid="live" data-state={state} title="Live updates">
      {text}
    </span>
  );
}
