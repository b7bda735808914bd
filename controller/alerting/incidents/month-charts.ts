/**
 * The monthly report's two pictures as inline SVG (no script, no external asset, so the page prints
 * to PDF as it is shown): the weekly failure rate as bars against the 1% target line, and the gear
 * ranked by failures as horizontal bars.
 */
import { html } from './report-words.ts';

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** Bars of the weekly rate; the dashed line is the target. A week with nothing on air has no bar ("—"). */
export function rateChart(weeks: Array<{ label: string; rate: number | null }>, target: number, caption: string): string {
  const w = 560;
  const h = 220;
  const left = 50;
  const bottom = 30;
  const top = 20;
  const max = Math.max(target * 2, ...weeks.map((x) => x.rate ?? 0)) * 1.1;
  const y = (v: number) => top + (h - top - bottom) * (1 - v / max);
  const slot = (w - left - 10) / Math.max(1, weeks.length);
  const bars = weeks.map((x, i) => {
    const cx = left + slot * i + slot / 2;
    const label = `<text x="${cx}" y="${h - 10}" text-anchor="middle" font-size="12">${html(x.label)}</text>`;
    if (x.rate === null) return `${label}<text x="${cx}" y="${y(0) - 4}" text-anchor="middle" font-size="12">—</text>`;
    const fill = x.rate < target ? '#2e7d32' : '#c62828';
    return `${label}<rect x="${cx - slot * 0.3}" y="${y(x.rate)}" width="${slot * 0.6}" height="${y(0) - y(x.rate)}" fill="${fill}"><title>${pct(x.rate)}</title></rect><text x="${cx}" y="${y(x.rate) - 4}" text-anchor="middle" font-size="11">${pct(x.rate)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">
<title>${html(caption)}</title>
<line x1="${left}" y1="${y(0)}" x2="${w - 10}" y2="${y(0)}" stroke="#333"/>
<line x1="${left}" y1="${y(0)}" x2="${left}" y2="${top}" stroke="#333"/>
${bars.join('\n')}
<line x1="${left}" y1="${y(target)}" x2="${w - 10}" y2="${y(target)}" stroke="#1565c0" stroke-dasharray="6 4" stroke-width="2"/>
<text x="${left - 4}" y="${y(target) + 4}" text-anchor="end" font-size="11" fill="#1565c0">${pct(target)}</text>
</svg>`;
}

/** One bar a device, longest first, at most `limit` devices. */
export function gearChart(gear: Array<{ device: string; failures: number }>, caption: string, limit = 12): string {
  const rows = gear.filter((g) => g.failures > 0).slice(0, limit);
  const w = 560;
  const rowH = 22;
  const left = 170;
  const h = 20 + rowH * Math.max(1, rows.length);
  const max = Math.max(1, ...rows.map((g) => g.failures));
  const bars = rows.map((g, i) => {
    const y = 10 + i * rowH;
    const len = ((w - left - 40) * g.failures) / max;
    return `<text x="${left - 6}" y="${y + 15}" text-anchor="end" font-size="12">${html(g.device)}</text><rect x="${left}" y="${y + 3}" width="${len}" height="${rowH - 6}" fill="#ef6c00"/><text x="${left + len + 4}" y="${y + 15}" font-size="12">${g.failures}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}">
<title>${html(caption)}</title>
${bars.join('\n')}
</svg>`;
}
