import { useEffect, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { Empty, ErrorNote, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { CampaignDetailFragment } from '../../gql/graphql';
import { problemOf } from '../../lib/errors';
import { label, num, when } from '../../lib/format';
import { useEvents } from '../../lib/live';
import { Link } from '../../lib/router';

graphql(`
  fragment CampaignDetail on Campaign {
    id
    name
    channel
    status
    launchedAt
    completedAt
    stats {
      total
      queued
      sending
      deferred
      sent
      delivered
      opened
      clicked
      replied
      optedOut
      bounced
      failed
      skipped
      cancelled
    }
  }
`);

const CampaignsQuery = graphql(`
  query CampaignList {
    campaigns {
      ...CampaignDetail
    }
  }
`);

const CampaignQuery = graphql(`
  query CampaignOne($id: ID!) {
    campaign(id: $id) {
      ...CampaignDetail
    }
  }
`);

const CampaignLive = graphql(`
  subscription CampaignLive($id: ID!) {
    campaignProgress(id: $id) {
      ...CampaignDetail
    }
  }
`);

const Launch = graphql(`
  mutation LaunchCampaignFromPage($id: ID!) {
    launchCampaign(id: $id) {
      ...CampaignDetail
    }
  }
`);
const Pause = graphql(`
  mutation PauseCampaignFromPage($id: ID!) {
    pauseCampaign(id: $id) {
      ...CampaignDetail
    }
  }
`);
const Resume = graphql(`
  mutation ResumeCampaignFromPage($id: ID!) {
    resumeCampaign(id: $id) {
      ...CampaignDetail
    }
  }
`);

/** Share of recipients that are finished (sent, skipped, failed, …): neither queued nor sending. */
export function progressOf(c: CampaignDetailFragment): number {
  if (c.status === 'COMPLETED') return 1;
  const { total, queued, sending } = c.stats;
  return total ? (total - queued - sending) / total : 0;
}

export function Campaigns() {
  const [result, refetch] = useQuery({ query: CampaignsQuery });
  if (!result.data) {
    if (result.error)
      return <ErrorNote problem={problemOf(result.error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <Loading what="campaigns" />;
  }
  return (
    <section aria-labelledby="campaigns-title">
      <div className="screen-head">
        <h1 id="campaigns-title">Campaigns</h1>
      </div>
      {result.data.campaigns.length === 0 && (
        <Empty>No campaigns yet. Create one through the API or the explorer.</Empty>
      )}
      <ul className="rows">
        {result.data.campaigns.map((c) => (
          <li key={c.id}>
            <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
            <span className="muted small">
              {c.channel} · {label(c.status)} · {num(c.stats.total)} recipients
            </span>
            <Progress value={progressOf(c)} label={c.name} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** One campaign: progress bar and stats, pushed by campaignProgress while it runs. */
export function CampaignPage({ id }: { id: string }) {
  const [result, refetch] = useQuery({ query: CampaignQuery, variables: { id } });
  // Whatever arrived last is the campaign as it stands: the query, a pushed update or an action's answer.
  const [c, setC] = useState<CampaignDetailFragment | null>(null);
  useEffect(() => {
    if (result.data) setC(result.data.campaign);
  }, [result.data]);
  useEvents(CampaignLive, { id }, (e) => setC(e.campaignProgress));
  const [launched, launch] = useMutation(Launch);
  const [paused, pause] = useMutation(Pause);
  const [resumed, resume] = useMutation(Resume);
  const act = async (run: typeof launch | typeof pause | typeof resume) => {
    const r = await run({ id });
    const next = r.data && Object.values(r.data)[0];
    if (next && typeof next === 'object') setC(next as CampaignDetailFragment);
  };
  if (!c) {
    if (result.error)
      return <ErrorNote problem={problemOf(result.error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />;
    return <Loading what="the campaign" />;
  }
  const problem = problemOf(launched.error ?? paused.error ?? resumed.error);
  const s = c.stats;
  return (
    <section aria-labelledby="campaign-title">
      <div className="screen-head">
        <h1 id="campaign-title">{c.name}</h1>
        <span className="pill" data-testid="campaign-status">
          {label(c.status)}
        </span>
        <span className="muted">
          {c.channel} · launched {when(c.launchedAt)}
          {c.completedAt && ` · completed ${when(c.completedAt)}`}
        </span>
      </div>
      <ErrorNote problem={problem} />
      <div className="actions">
        {(c.status === 'DRAFT' || c.status === 'SCHEDULED') && (
          <button type="button" className="primary" onClick={() => void act(launch)}>
            Launch
          </button>
        )}
        {c.status === 'RUNNING' && (
          <button type="button" onClick={() => void act(pause)}>
            Pause
          </button>
        )}
        {c.status === 'PAUSED' && (
          <button type="button" onClick={() => void act(resume)}>
            Resume
          </button>
        )}
      </div>
      <div className="panel">
        <Progress value={progressOf(c)} label={`${c.name} progress`} big />
        <div className="kpis">
          {(
            [
              ['Recipients', s.total],
              ['Waiting', s.queued + s.sending],
              ['Sent', s.sent],
              ['Delivered', s.delivered],
              ['Opened', s.opened],
              ['Clicked', s.clicked],
              ['Replied', s.replied],
              ['Opted out', s.optedOut],
              ['Bounced', s.bounced],
              ['Failed', s.failed],
              ['Skipped', s.skipped],
            ] as const
          ).map(([name, value]) => (
            <div className="kpi" key={name}>
              <div className="muted">{name}</div>
              <div className="kpi-value" data-testid={`stat-${name.toLowerCase().replace(' ', '-')}`}>
                {num(value)}
              </div>
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}

export function Progress({ value, label: name, big }: { value: number; label: string; big?: boolean }) {
  const percent = Math.round(value * 100);
  return (
    <div className={`progress${big ? ' big' : ''}`}>
      <div
        className="bar"
        role="progressbar"
        aria-label={name}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        style={{ width: `${percent}%` }}
      />
      <span className="progress-label">{percent}%</span>
    </div>
  );
}
