import { lazy, Suspense, useEffect, useMemo, useState } from 'react';
import { Provider } from 'urql';
import { Layout } from './components/Layout';
import { Empty, Loading } from './components/States';
import { createClient } from './lib/client';
import { match, Router, useRouter } from './lib/router';
import { currentSession, onSessionChange, type Session } from './lib/session';
import { Board } from './screens/board/Board';
import { CampaignPage, Campaigns } from './screens/campaign/CampaignPage';
import { Imports } from './screens/imports/Imports';
import { LeadPage } from './screens/lead/LeadPage';
import { MyDay } from './screens/myday/MyDay';
import { SignIn } from './screens/signin/SignIn';

// The dashboard carries the chart library: loaded when first opened, so other screens start sooner.
const Dashboard = lazy(() => import('./screens/dashboard/Dashboard').then((m) => ({ default: m.Dashboard })));

export function App() {
  const [session, setSession] = useState<Session | null>(currentSession);
  const [notice, setNotice] = useState<string | undefined>();
  useEffect(
    () =>
      onSessionChange((next, reason) => {
        setSession(next);
        if (!next) setNotice(reason);
      }),
    [],
  );
  // A new client per session: nothing one user saw is kept for the next.
  const userId = session?.user.id;
  const client = useMemo(() => (userId ? createClient() : null), [userId]);
  return (
    <Router>
      {session && client ? (
        <Provider value={client}>
          <Layout session={session}>
            <Screens session={session} />
          </Layout>
        </Provider>
      ) : (
        <SignIn notice={notice} />
      )}
    </Router>
  );
}

function Screens({ session }: { session: Session }) {
  const { path } = useRouter();
  const lead = match('/leads/:id', path);
  const campaign = match('/campaigns/:id', path);
  if (path === '/') return <MyDay />;
  if (path === '/pipeline') return <Board role={session.user.role} />;
  if (path === '/dashboard')
    return (
      <Suspense fallback={<Loading what="the dashboard" />}>
        <Dashboard />
      </Suspense>
    );
  if (path === '/campaigns') return <Campaigns />;
  if (path === '/imports') return <Imports />;
  if (lead) return <LeadPage id={lead.id!} />;
  if (campaign) return <CampaignPage id={campaign.id!} />;
  return <Empty>There is no page here.</Empty>;
}
