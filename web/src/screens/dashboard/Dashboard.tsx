import { useMemo, useState } from 'react';
import { useQuery } from 'urql';
import { Chart } from '../../components/Chart';
import { Empty, ErrorNote, Loading } from '../../components/States';
import { graphql } from '../../gql';
import type { AnalyticsRangePreset, DashboardSectionsFragment, LeadSource } from '../../gql/graphql';
import { problemOf } from '../../lib/errors';
import { label, num, pct, usd, usdShort } from '../../lib/format';
import { useEvents } from '../../lib/live';
import { STAGES } from '../board/pipeline-state';
import { useLivePipeline } from '../board/useLivePipeline';
import { funnelOption, pipelineOption, revenueOption, stageDurationOption } from './charts';

graphql(`
  fragment DashboardSections on Analytics {
    range {
      from
      to
    }
    funnel {
      step
      count
      stepConversion
      overallConversion
      medianDaysFromPrevious
    }
    velocity {
      medianDaysLeadToContract
      medianDaysLeadToClose
      contracts
      closed
    }
    stageDurations {
      stage
      entered
      stillThere
      medianDays
      p75Days
      p90Days
    }
    sourceRoi {
      source
      spend
      leads
      costPerLead
      appointments
      contracts
      closedDeals
      costPerDeal
      revenue
      roi
    }
    campaignPerformance {
      campaignId
      channel
      sent
      delivered
      opened
      clicked
      replied
      optedOut
      bounced
      deliveryRate
      openRate
      replyRate
    }
    team {
      userId
      user {
        name
      }
      leadsAssigned
      medianFirstResponseMinutes
      dealsMoved
      contracts
      closedRevenue
    }
    revenue(bucket: MONTH) {
      closedWon
      revenue
      series {
        start
        closedWon
        revenue
      }
    }
    forecast {
      expectedValue
      byMonth {
        month
        deals
        expectedValue
      }
    }
  }
`);

const DashboardQuery = graphql(`
  query Dashboard($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {
    analytics(range: $range, filter: $filter) {
      ...DashboardSections
    }
    users {
      id
      name
      role
    }
    campaigns {
      id
      name
    }
  }
`);

const DashboardLive = graphql(`
  subscription DashboardLive($range: AnalyticsRangeInput!, $filter: AnalyticsFilterInput) {
    analyticsUpdated(range: $range, filter: $filter) {
      ...DashboardSections
    }
  }
`);

const PRESETS: AnalyticsRangePreset[] = [
  'LAST_7_DAYS',
  'LAST_30_DAYS',
  'THIS_MONTH',
  'LAST_QUARTER',
  'THIS_YEAR',
  'ALL_TIME',
];
const SOURCES: LeadSource[] = [
  'COLD_CALL',
  'DIRECT_MAIL',
  'DRIVING_FOR_DOLLARS',
  'LIST_IMPORT',
  'OTHER',
  'PPC',
  'REFERRAL',
  'SEO',
  'SMS',
];

/** KPIs for a range and filters; every section is pushed again by analyticsUpdated after changes. */
export function Dashboard() {
  const [preset, setPreset] = useState<AnalyticsRangePreset>('LAST_QUARTER');
  const [source, setSource] = useState<LeadSource | ''>('');
  const [agent, setAgent] = useState('');
  const variables = useMemo(
    () => ({
      range: { preset },
      filter: { ...(source ? { sources: [source] } : {}), ...(agent ? { assignedUserIds: [agent] } : {}) },
    }),
    [preset, source, agent],
  );
  const [result, refetch] = useQuery({ query: DashboardQuery, variables });
  const [pushed, setPushed] = useState<{ key: string; data: DashboardSectionsFragment } | null>(null);
  const key = JSON.stringify(variables);
  useEvents(DashboardLive, variables, (e) => setPushed({ key, data: e.analyticsUpdated }));
  const pipeline = useLivePipeline(1);
  const analytics = pushed?.key === key ? pushed.data : result.data?.analytics;
  const names = new Map(result.data?.campaigns.map((c) => [c.id, c.name]));

  return (
    <section aria-labelledby="dash-title">
      <div className="screen-head">
        <h1 id="dash-title">Dashboard</h1>
        <div className="filters">
          <label>
            Range{' '}
            <select value={preset} onChange={(e) => setPreset(e.target.value as AnalyticsRangePreset)}>
              {PRESETS.map((p) => (
                <option key={p} value={p}>
                  {label(p)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Source{' '}
            <select value={source} onChange={(e) => setSource(e.target.value as LeadSource | '')}>
              <option value="">All sources</option>
              {SOURCES.map((s) => (
                <option key={s} value={s}>
                  {label(s)}
                </option>
              ))}
            </select>
          </label>
          <label>
            Agent{' '}
            <select value={agent} onChange={(e) => setAgent(e.target.value)}>
              <option value="">Everyone</option>
              {result.data?.users.map((u) => (
                <option key={u.id} value={u.id}>
                  {u.name}
                </option>
              ))}
            </select>
          </label>
        </div>
      </div>
      <ErrorNote problem={problemOf(result.error)} onRetry={() => refetch({ requestPolicy: 'network-only' })} />
      <div className="panel">
        <h2>Pipeline now</h2>
        {pipeline.state ? (
          <>
            <div className="stage-counts" data-testid="dashboard-stage-counts">
              {STAGES.map((s) => (
                <div key={s} data-stage={s}>
                  <span className="muted">{label(s)}</span>
                  <strong data-testid={`dash-count-${s}`}>{pipeline.state!.totals[s].count}</strong>
                </div>
              ))}
            </div>
            <Chart option={pipelineOption(pipeline.state.totals)} label="Deals per stage" height={200} />
          </>
        ) : (
          <Loading what="the pipeline" />
        )}
      </div>
      {!analytics ? (
        result.fetching && <Loading what="analytics" />
      ) : (
        <Sections analytics={analytics} campaignNames={names} />
      )}
    </section>
  );
}

function Sections({
  analytics: a,
  campaignNames,
}: {
  analytics: DashboardSectionsFragment;
  campaignNames: Map<string, string>;
}) {
  return (
    <>
      <div className="kpis">
        <Kpi title="Leads" value={num(a.funnel[0]?.count)} />
        <Kpi title="Closed won" value={num(a.revenue.closedWon)} />
        <Kpi title="Revenue" value={usdShort(a.revenue.revenue)} />
        <Kpi title="Forecast (weighted)" value={usdShort(a.forecast.expectedValue)} />
        <Kpi
          title="Lead → contract"
          value={a.velocity.medianDaysLeadToContract == null ? '—' : `${num(a.velocity.medianDaysLeadToContract, 1)} d`}
        />
      </div>
      <div className="grid2">
        <div className="panel">
          <h2>Funnel</h2>
          <Chart option={funnelOption(a.funnel)} label="Funnel counts per step" />
        </div>
        <div className="panel">
          <h2>Days in stage</h2>
          <Chart option={stageDurationOption(a.stageDurations)} label="Median, p75 and p90 days per stage" />
        </div>
        <div className="panel">
          <h2>Revenue by month</h2>
          <Chart option={revenueOption(a.revenue.series, 'revenue')} label="Closed revenue per month" />
        </div>
        <div className="panel">
          <h2>Forecast by expected close</h2>
          {a.forecast.byMonth.length ? (
            <Chart
              option={revenueOption(
                a.forecast.byMonth.map((m) => ({ start: m.month ?? 'No date', revenue: m.expectedValue })),
                'revenue',
              )}
              label="Weighted pipeline value per expected close month"
            />
          ) : (
            <Empty>No open deals with expected close dates.</Empty>
          )}
        </div>
      </div>
      <div className="panel">
        <h2>Marketing ROI by source</h2>
        <Table
          head={[
            'Source',
            'Spend',
            'Leads',
            'Cost/lead',
            'Appts',
            'Contracts',
            'Closed',
            'Cost/deal',
            'Revenue',
            'ROI',
          ]}
          rows={a.sourceRoi.map((r) => [
            label(r.source),
            usd(r.spend),
            num(r.leads),
            usd(r.costPerLead),
            num(r.appointments),
            num(r.contracts),
            num(r.closedDeals),
            usd(r.costPerDeal),
            usd(r.revenue),
            pct(r.roi),
          ])}
          empty="No leads in this range."
        />
      </div>
      <div className="panel">
        <h2>Campaigns</h2>
        <Table
          head={['Campaign', 'Channel', 'Sent', 'Delivered', 'Opened', 'Replied', 'Opted out', 'Bounced', 'Reply rate']}
          rows={a.campaignPerformance.map((c) => [
            campaignNames.get(c.campaignId) ?? c.campaignId.slice(0, 8),
            c.channel,
            num(c.sent),
            num(c.delivered),
            num(c.opened),
            num(c.replied),
            num(c.optedOut),
            num(c.bounced),
            pct(c.replyRate),
          ])}
          empty="No campaign sent in this range."
        />
      </div>
      <div className="panel">
        <h2>Team</h2>
        <Table
          head={['Agent', 'Leads', 'First response (min)', 'Deals moved', 'Contracts', 'Closed revenue']}
          rows={a.team.map((t) => [
            t.user?.name ?? 'Former member',
            num(t.leadsAssigned),
            num(t.medianFirstResponseMinutes, 0),
            num(t.dealsMoved),
            num(t.contracts),
            usd(t.closedRevenue),
          ])}
          empty="No activity by the team in this range."
        />
      </div>
    </>
  );
}

function Kpi({ title, value }: { title: string; value: string }) {
  return (
    <div className="kpi">
      <div className="muted">{title}</div>
      <div className="kpi-value">{value}</div>
    </div>
  );
}

function Table({ head, rows, empty }: { head: string[]; rows: string[][]; empty: string }) {
  if (!rows.length) return <Empty>{empty}</Empty>;
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              {r.map((c, j) => (
                <td key={j}>{c}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
