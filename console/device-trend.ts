/**
 * The device page's trends (uPlot): one small chart per numeric metric (their scales differ: a
 * temperature beside a frame count), dark like the page, its time axis on the catalogue's 24-hour
 * clock in the browser's zone, its values with the metric's unit and the locale's grouping and sign
 * ("−1,000 dBFS", never "1,000"). The range (1 h … 7 d) comes from the store, downsampled by the
 * controller (device.history).
 */
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import type { DeviceHistoryView } from '../protocols/console-operations.ts';
import type { Formats, Translate } from '../i18n/translator.ts';
import { html } from './html.ts';
import { useFormats, useT } from './i18n.ts';
import { device } from '../i18n/messages/device.ts';

type T = Translate<typeof device>;
type Unit = DeviceHistoryView['units'][string];

/** The page's colours (console.css :root): the chart is part of the page, not a white card on it. */
const DARK = { axis: '#9aa0a6', grid: '#2d333b', line: '#8ab4f8', fill: 'rgba(138, 180, 248, 0.12)' };
const DAY_MS = 86_400_000;

/** A value as the page writes it: the locale's grouping and sign, and the metric's unit. */
export function formatValue(t: T, f: Formats, value: number, unit: Unit | undefined): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  const text = f.number(value, { maximumFractionDigits: digits });
  return unit ? t(`unit.${unit}`, { value: text }) : text;
}

/** A time axis label: 24-hour "HH:mm", with the date ("MM-DD HH:mm") when the range spans days. */
export function axisTime(f: Formats, ts: number, spanMs: number): string {
  const full = f.dateTime(ts); // YYYY-MM-DD HH:mm, 24-hour, the browser's zone
  return spanMs > DAY_MS ? full.slice(5) : full.slice(11);
}

/** The labels each axis was last drawn with (uPlot draws them on the canvas): on the figure as data-axes, for tests and tools. */
interface DrawnLabels {
  x: string[];
  y: string[];
}

function chartOptions(p: {
  name: string;
  unit: Unit | undefined;
  view: DeviceHistoryView;
  t: T;
  f: Formats;
  drawn: DrawnLabels;
  onDraw: () => void;
}): uPlot.Options {
  const { t, f, unit, drawn } = p;
  const span = p.view.until - p.view.since;
  const axis = { stroke: DARK.axis, grid: { stroke: DARK.grid, width: 1 }, ticks: { stroke: DARK.grid, width: 1 } };
  return {
    width: 360,
    height: 150,
    legend: { show: true, live: true },
    scales: { x: { time: true, min: p.view.since / 1000, max: p.view.until / 1000 } },
    series: [
      { label: t('trend.time'), value: (_u, v) => (v === null ? '—' : f.dateTime(v * 1000)) },
      {
        label: p.name,
        stroke: DARK.line,
        fill: DARK.fill,
        width: 2,
        // A few points (the first minutes after a start) are drawn as dots: a line needs two.
        points: { show: (_u, _s, first, last) => last - first < 60, size: 5, fill: DARK.line },
        value: (_u, v) => (v === null ? '—' : formatValue(t, f, v, unit)),
      },
    ],
    axes: [
      { ...axis, space: 60, values: (_u, splits) => (drawn.x = splits.map((s) => axisTime(f, s * 1000, span))) },
      { ...axis, size: 80, values: (_u, splits) => (drawn.y = splits.map((v) => formatValue(t, f, v, unit))) },
    ],
    hooks: { draw: [p.onDraw] },
  };
}

export function Trend(p: { view: DeviceHistoryView; name: string }) {
  const t = useT(device);
  const f = useFormats();
  const box = useRef<HTMLDivElement>(null);
  const unit = p.view.units[p.name];
  useEffect(() => {
    let chart: uPlot | undefined;
    let gone = false;
    // uPlot is loaded with the first device page, not with the wall.
    void import('uplot').then(({ default: UPlot }) => {
      if (gone || !box.current) return;
      const values = p.view.trend.series[p.name] ?? [];
      const data: uPlot.AlignedData = [p.view.trend.t.map((ts) => ts / 1000), values];
      const figure = box.current.parentElement!;
      const drawn: DrawnLabels = { x: [], y: [] };
      const onDraw = () => (figure.dataset.axes = JSON.stringify(drawn));
      chart = new UPlot(chartOptions({ name: p.name, unit, view: p.view, t, f, drawn, onDraw }), data, box.current);
    });
    return () => ((gone = true), chart?.destroy());
  }, [p.view, p.name, t, f]);
  return html`<figure class="trend" data-metric=${p.name}>
    <figcaption>${p.name}</figcaption>
    <div ref=${box}></div>
  </figure>`;
}
