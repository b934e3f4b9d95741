import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { formatCents } from './format.ts';

// only what the dashboards draw: a few kB of ECharts instead of the whole library, and only in console chunks
echarts.use([LineChart, BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

/** Axis labels of the dashboards: whole yuan from fen (¥1,200 rather than ¥1,200.00), counts as they are. */
export const yuanAxis = (v: number) => formatCents(v).replace(/\.00$/, '');
export const countAxis = (v: number) => String(v);

export interface Series {
  name: string;
  kind: 'line' | 'bar';
  values: number[];
  /** which y axis: 0 (left) or 1 (right) */
  axis?: 0 | 1;
}

/**
 * A chart over days. `formatAxis[i]` formats the values of axis i (money from fen, counts as they are);
 * the numbers themselves stay integers.
 */
export function DayChart(props: {
  dates: string[];
  series: Series[];
  formatAxis: [(v: number) => string, ((v: number) => string)?];
  height?: number;
  label: string;
  /** the axis (0 or 1) whose values are fen: its ticks step by whole yuan */
  moneyAxis?: 0 | 1;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chartRef = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current);
    chartRef.current = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      chart.dispose();
      chartRef.current = null;
    };
  }, []);

  useEffect(() => {
    const [left, right] = props.formatAxis;
    const fmt = (axis: 0 | 1 | undefined) => (axis === 1 && right ? right : left);
    chartRef.current?.setOption(
      {
        animation: false,
        grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
        legend: { top: 0 },
        tooltip: {
          trigger: 'axis',
          valueFormatter: undefined,
          formatter: (params: unknown) => {
            const rows = (Array.isArray(params) ? params : [params]) as {
              axisValue: string;
              seriesIndex: number;
              marker: string;
              seriesName: string;
              value: number;
            }[];
            const head = rows[0]?.axisValue ?? '';
            return [
              head,
              ...rows.map((r) => `${r.marker}${r.seriesName}: ${fmt(props.series[r.seriesIndex]?.axis)(r.value)}`),
            ].join('<br/>');
          },
        },
        xAxis: { type: 'category', data: props.dates.map((d) => d.slice(5)) },
        yAxis: [
          { type: 'value', minInterval: props.moneyAxis === 0 ? 100 : 1, axisLabel: { formatter: left } },
          ...(right
            ? [
                {
                  type: 'value',
                  minInterval: props.moneyAxis === 1 ? 100 : 1,
                  axisLabel: { formatter: right },
                  splitLine: { show: false },
                },
              ]
            : []),
        ],
        series: props.series.map((s) => ({
          name: s.name,
          type: s.kind,
          yAxisIndex: s.axis ?? 0,
          data: s.values,
          barMaxWidth: 24,
        })),
      },
      true,
    );
  }, [props.dates, props.series, props.formatAxis, props.moneyAxis]);

  return <div ref={ref} role="img" aria-label={props.label} style={{ width: '100%', height: props.height ?? 280 }} />;
}
