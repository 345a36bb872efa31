import type { EquityPoint } from '../../src/backtest/index.js';

/**
 * Reads an equity chart back as a viewer would: the series carried in its `<desc>`, and the polyline actually drawn,
 * mapped back to (time, equity) through the scales the plot area declares.
 */
export function readEquitySvg(svg: string): { series: EquityPoint[]; drawn: EquityPoint[]; scale: { timePerPixel: number; equityPerPixel: number } } {
  const desc = /<desc id="equity-series">([^<]*)<\/desc>/.exec(svg);
  if (!desc) throw new Error('the chart carries no <desc id="equity-series">');
  const series = JSON.parse(desc[1]).points as EquityPoint[];
  const attr = (name: string) => Number(new RegExp(`id="plot"[^>]* data-${name}="([^"]+)"`).exec(svg)![1]);
  const [x0, x1, y0, y1] = [attr('x-min'), attr('x-max'), attr('y-min'), attr('y-max')];
  const [left, top, width, height] = [attr('left'), attr('top'), attr('width'), attr('height')];
  const drawn = /<polyline data-series="equity"[^>]* points="([^"]*)"/.exec(svg)![1].trim().split(' ').map((pair) => {
    const [x, y] = pair.split(',').map(Number);
    return [x0 + ((x - left) / width) * (x1 - x0), y1 - ((y - top) / height) * (y1 - y0)] as EquityPoint;
  });
  return { series, drawn, scale: { timePerPixel: (x1 - x0) / width, equityPerPixel: (y1 - y0) / height } };
}
