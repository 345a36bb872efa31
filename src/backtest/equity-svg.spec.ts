import { describe, expect, it } from 'vitest';
import type { EquityPoint } from './equity.js';
import { renderEquitySvg } from './equity-svg.js';

/** Reads back what a viewer sees: the series in <desc>, and the polyline mapped through the plot's scales. */
function readEquitySvg(svg: string): { series: EquityPoint[]; drawn: EquityPoint[] } {
  const series = JSON.parse(/<desc id="equity-series">([^<]*)<\/desc>/.exec(svg)![1]).points as EquityPoint[];
  const attr = (name: string) => Number(new RegExp(`id="plot"[^>]* data-${name}="([^"]+)"`).exec(svg)![1]);
  const [x0, x1, y0, y1] = [attr('x-min'), attr('x-max'), attr('y-min'), attr('y-max')];
  const [left, top, width, height] = [attr('left'), attr('top'), attr('width'), attr('height')];
  const points = /<polyline data-series="equity"[^>]* points="([^"]*)"/.exec(svg)![1].trim().split(' ');
  const drawn = points.map((pair) => {
    const [x, y] = pair.split(',').map(Number);
    return [x0 + ((x - left) / width) * (x1 - x0), y1 - ((y - top) / height) * (y1 - y0)] as EquityPoint;
  });
  return { series, drawn };
}

describe('the equity chart', () => {
  const points: EquityPoint[] = [[Date.UTC(2023, 2, 1), 10_000], [Date.UTC(2023, 2, 1, 1), 10_012.5], [Date.UTC(2023, 2, 1, 2), 9_990.25], [Date.UTC(2023, 2, 1, 3), 10_030]];

  it('carries the series it draws, draws exactly that series, and labels its axes', () => {
    const svg = renderEquitySvg({ title: 'dip <bot> & co', quote: 'USDT', initial: 10_000, points });
    const { series, drawn } = readEquitySvg(svg);
    expect(series).toEqual(points);
    expect(drawn).toHaveLength(points.length);
    drawn.forEach(([time, value], i) => {
      expect(Math.abs(time - points[i][0])).toBeLessThan(60_000);
      expect(value).toBeCloseTo(points[i][1], 0);
    });
    expect(svg).toContain('equity (USDT)');
    expect(svg).toContain('market time (UTC)');
    expect(svg).toContain('2023-03-01 00:00');
    for (const label of ['9,990', '10,000', '10,030']) expect(svg).toContain(`>${label}</text>`);
    expect(svg).toContain('dip &lt;bot&gt; &amp; co');
  });

  it('draws a flat or one-point curve without dividing by zero', () => {
    for (const flat of [[points[0]], [points[0], [points[1][0], 10_000] as EquityPoint]]) {
      const svg = renderEquitySvg({ title: 'flat', quote: 'USDT', initial: 10_000, points: flat });
      expect(svg).not.toMatch(/NaN|Infinity/);
      expect(readEquitySvg(svg).series).toEqual(flat);
    }
  });
});
