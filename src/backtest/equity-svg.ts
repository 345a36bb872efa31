import type { EquityPoint } from './equity.js';

const WIDTH = 960;
const HEIGHT = 420;
const PLOT = { left: 90, right: 24, top: 36, bottom: 56 };
const TICKS = 5;

export interface EquityChart {
  title: string;
  quote: string;
  initial: number;
  points: readonly EquityPoint[];
}

/**
 * The equity curve as a self-contained SVG: a polyline over time with labelled axes and the starting equity dashed.
 * The series itself travels inside, as JSON in the `<desc>`, and the plot area carries its scales as data-
 * attributes, so a reader (or a test) can check the drawn line against the numbers.
 */
export function renderEquitySvg(chart: EquityChart): string {
  const { points } = chart;
  const [x0, x1] = span(points.map((p) => p[0]), 60_000);
  const [y0, y1] = padded(span([chart.initial, ...points.map((p) => p[1])], 1));
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (time: number) => PLOT.left + ((time - x0) / (x1 - x0)) * plotWidth;
  const y = (value: number) => PLOT.top + ((y1 - value) / (y1 - y0)) * plotHeight;
  const line = points.map((p) => `${x(p[0]).toFixed(2)},${y(p[1]).toFixed(2)}`).join(' ');
  const series = JSON.stringify({ series: 'equity', quote: chart.quote, points });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">
  <title>${escapeXml(chart.title)}</title>
  <desc id="equity-series">${escapeXml(series)}</desc>
  <rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>
  <g id="plot" data-x-min="${x0}" data-x-max="${x1}" data-y-min="${y0}" data-y-max="${y1}" data-left="${PLOT.left}" data-top="${PLOT.top}" data-width="${plotWidth}" data-height="${plotHeight}">
    <rect x="${PLOT.left}" y="${PLOT.top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>
${yTicks(y0, y1, y).join('\n')}
${xTicks(x0, x1, x).join('\n')}
    <line x1="${PLOT.left}" x2="${PLOT.left + plotWidth}" y1="${y(chart.initial).toFixed(2)}" y2="${y(chart.initial).toFixed(2)}" stroke="#888" stroke-dasharray="4 4"/>
    <polyline data-series="equity" fill="none" stroke="#1f6fd1" stroke-width="1.5" points="${line}"/>
  </g>
  <text x="${PLOT.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">market time (UTC)</text>
  <text x="18" y="${PLOT.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 18 ${PLOT.top + plotHeight / 2})">equity (${escapeXml(chart.quote)})</text>
  <text x="${PLOT.left}" y="22" font-size="14" font-weight="bold">${escapeXml(chart.title)}</text>
</svg>
`;
}

/** Gridlines at round values (1, 2 or 5 times a power of ten apart), labelled with just the decimals that step needs. */
function yTicks(y0: number, y1: number, y: (value: number) => number): string[] {
  const raw = (y1 - y0) / TICKS;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const decimals = Math.max(0, -Math.floor(Math.log10(step)));
  const ticks: string[] = [];
  for (let value = Math.ceil(y0 / step) * step; value <= y1; value += step) {
    const at = y(value).toFixed(2);
    const label = value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
    ticks.push(`    <line x1="${PLOT.left - 4}" x2="${PLOT.left}" y1="${at}" y2="${at}" stroke="#999"/><text x="${PLOT.left - 8}" y="${at}" text-anchor="end" dominant-baseline="middle">${label}</text>`);
  }
  return ticks;
}

function xTicks(x0: number, x1: number, x: (time: number) => number): string[] {
  return Array.from({ length: TICKS + 1 }, (_, i) => {
    const time = x0 + ((x1 - x0) * i) / TICKS;
    const at = x(time).toFixed(2);
    const label = new Date(time).toISOString().slice(0, 16).replace('T', ' ');
    return `    <line x1="${at}" x2="${at}" y1="${HEIGHT - PLOT.bottom}" y2="${HEIGHT - PLOT.bottom + 4}" stroke="#999"/><text x="${at}" y="${HEIGHT - PLOT.bottom + 18}" text-anchor="middle">${label}</text>`;
  });
}

/** Lowest and highest value; a flat series gets `minimum` width so that scales never divide by zero. */
function span(values: number[], minimum: number): [number, number] {
  if (values.length === 0) return [0, minimum];
  let low = Infinity;
  let high = -Infinity;
  for (const value of values) {
    if (value < low) low = value;
    if (value > high) high = value;
  }
  return high - low > 0 ? [low, high] : [low - minimum / 2, high + minimum / 2];
}

/** 5% headroom above and below, so the line never sits on the frame. */
function padded([low, high]: [number, number]): [number, number] {
  const margin = (high - low) * 0.05;
  return [low - margin, high + margin];
}

/** For element content only (the chart puts no free text in attributes): quotes stay as they are, so the JSON does too. */
function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
