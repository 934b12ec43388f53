import type { EChartsCoreOption } from 'echarts/core';
import type { DealStage, DashboardSectionsFragment } from '../../gql/graphql';
import { label } from '../../lib/format';
import { STAGES, type Totals } from '../board/pipeline-state';

const COLORS = ['#2563eb', '#0891b2', '#16a34a', '#ca8a04', '#dc2626', '#7c3aed'];
const base = { color: COLORS, tooltip: { trigger: 'axis' }, grid: { left: 48, right: 16, top: 24, bottom: 56 } };

export function pipelineOption(totals: Record<DealStage, Totals>): EChartsCoreOption {
  return {
    ...base,
    xAxis: { type: 'category', data: STAGES.map(label), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: 'Deals', data: STAGES.map((s) => totals[s].count) }],
  };
}

export function funnelOption(funnel: DashboardSectionsFragment['funnel']): EChartsCoreOption {
  return {
    ...base,
    xAxis: { type: 'category', data: funnel.map((f) => label(f.step)), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: 'Count', data: funnel.map((f) => f.count) }],
  };
}

export function stageDurationOption(rows: DashboardSectionsFragment['stageDurations']): EChartsCoreOption {
  const days = (v: number | null | undefined) => (v == null ? null : Math.round(v * 10) / 10);
  return {
    ...base,
    legend: { top: 0 },
    xAxis: { type: 'category', data: rows.map((r) => label(r.stage)), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: 'value', name: 'days' },
    series: [
      { type: 'bar', name: 'Median', data: rows.map((r) => days(r.medianDays)) },
      { type: 'bar', name: 'p75', data: rows.map((r) => days(r.p75Days)) },
      { type: 'bar', name: 'p90', data: rows.map((r) => days(r.p90Days)) },
    ],
  };
}

export function revenueOption(points: { start: string; revenue: number }[], name: string): EChartsCoreOption {
  return {
    ...base,
    xAxis: { type: 'category', data: points.map((p) => p.start.slice(0, 7)) },
    yAxis: { type: 'value' },
    series: [{ type: 'bar', name, data: points.map((p) => Math.round(p.revenue)) }],
  };
}
