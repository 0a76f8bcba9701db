import { afterEach, describe, expect, it } from 'vitest';
import { createScreen } from '../src/ui/screen.js';
import { chartGeometry, chartLines, niceMax, pixelRow, rasterize } from '../src/ui/widgets/braille-chart.js';
import { GraphPanel } from '../src/ui/widgets/graph-panel.js';
import { themeNamed } from '../src/ui/theme.js';
import { HeadlessTerminal } from './helpers/headless-terminal.js';

const MONO = themeNamed('mono');

const BLANK = ' ';
const flat = (v: number, n: number): number[] => Array.from({ length: n }, () => v);

describe('rasterize', () => {
  it('draws a flat maximum on the top pixel row and a flat zero on the bottom one, in every column', () => {
    const top = rasterize([{ y: flat(100, 20) }], 10, 4, 0, 100);
    expect(top[0]?.map((c) => c.ch).join('')).toBe('⠉'.repeat(10));
    for (const row of top.slice(1)) expect(row.every((c) => c.ch === BLANK)).toBe(true);
    const bottom = rasterize([{ y: flat(0, 20) }], 10, 4, 0, 100);
    expect(bottom[3]?.map((c) => c.ch).join('')).toBe('⣀'.repeat(10));
    for (const row of bottom.slice(0, 3)) expect(row.every((c) => c.ch === BLANK)).toBe(true);
  });

  it('puts every level from 0 to 100 % on its own row, clamping what lies beyond the axis', () => {
    const rows = 4 * 10;
    const seen = new Set<number>();
    for (let v = 0; v <= 100; v++) seen.add(pixelRow(v, 0, 100, rows));
    expect(seen.size).toBe(rows);
    expect(pixelRow(150, 0, 100, rows)).toBe(0);
    expect(pixelRow(-5, 0, 100, rows)).toBe(rows - 1);
  });

  it('joins a jump with a vertical run and puts the newest value at the right edge', () => {
    const cells = rasterize([{ y: [0, 0, 100] }], 4, 2, 0, 100);
    // Values are the last three pixel columns (5, 6, 7): the jump is a full right column in cell 3.
    expect(cells.map((r) => r[3]?.ch)).toEqual(['⢸', '⣸']);
    expect(cells[1]?.[2]?.ch).toBe('⢀');
    expect(cells[0]?.[0]?.ch).toBe(BLANK);
  });

  it('leaves a gap for values that are not numbers', () => {
    // Without the gap, 0 → 100 across it would draw a vertical run in the last column.
    const cells = rasterize([{ y: [0, Number.NaN, 100] }], 2, 1, 0, 100);
    expect(cells[0]?.map((c) => c.ch)).toEqual(['⢀', '⠈']);
  });

  it('rounds an open scale up to 1, 2 or 5 × 10ⁿ', () => {
    expect(niceMax([{ y: [0, 3.2] }])).toBe(5);
    expect(niceMax([{ y: [140] }])).toBe(200);
    expect(niceMax([{ y: [] }])).toBe(1);
  });
});

describe('chartLines', () => {
  it('keeps the legend beside the plot: no legend text in a plot column', () => {
    const series = [
      { title: 'used (peak)', x: [], y: flat(95, 200) },
      { title: 'cached', x: [], y: flat(90, 200) },
    ];
    const lines = chartLines({ series, maxY: 100, legend: true, cursorOffset: null }, 60, 8, MONO);
    const g = chartGeometry(60, 8, 100, true);
    expect(g.legendWidth).toBeGreaterThan(0);
    const plot = lines.slice(0, g.plotHeight).map((l) => [...l].slice(g.labelWidth, g.labelWidth + g.plotWidth).join(''));
    for (const p of plot) expect(p).toMatch(/^[\u2800-\u28ff ]*$/);
    // The data's own top rows are drawn right across the plot.
    expect(plot[0]).toMatch(/^[\u2801-\u28ff]+$/);
    expect(lines[0]).toContain('used (peak)');
    expect(lines[1]).toContain('cached');
  });

  it('leaves the legend out rather than squeeze the plot', () => {
    expect(chartGeometry(28, 8, 100, true).legendWidth).toBe(0);
  });
});

describe('GraphPanel on a real screen', () => {
  let term: HeadlessTerminal | undefined;
  afterEach(() => term?.dispose());

  it('shows a flat 100 % load as a line on the top plot row, and a legend that covers no data', async () => {
    term = new HeadlessTerminal(60, 12);
    const screen = createScreen(term.io, { terminal: 'xterm-256color', unicode: true }, true);
    const graph = new GraphPanel(screen, 'Memory', { left: 0, top: 0, width: 60, height: 12 }, themeNamed('dark'), { maxY: 100 });
    const n = graph.capacity(true);
    const x = Array.from({ length: n }, () => '03:12:00');
    graph.update({ title: 'Memory', series: [{ title: 'used (peak)', x, y: flat(100, n) }, { title: 'swap', x, y: flat(0, n) }], legend: true, cursorOffset: null });
    screen.render();
    const rows = await term.screen();
    const plotWidth = chartGeometry(58, 10, 100, true).plotWidth;
    // Row 1 is the first inside the border: after "│100 " come the dots of the 100 % line, plot-wide.
    const top = [...(rows[1] ?? '')];
    expect(top.slice(5, 5 + plotWidth).join('')).toBe('⠉'.repeat(plotWidth));
    expect(rows[1]).toContain('used (peak)');
    // The 0 % series runs along the bottom plot row, also under the legend's column: nothing hides it.
    const bottom = [...(rows[9] ?? '')];
    expect(bottom.slice(5, 5 + plotWidth).join('')).toBe('⣀'.repeat(plotWidth));
    screen.destroy();
  });
});

describe('the time row', () => {
  it('shows the oldest and newest time, the oldest only where it does not run into the newest', () => {
    const x = Array.from({ length: 100 }, (_, i) => `03:${String(Math.floor(i / 60) + 10).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`);
    const wide = chartLines({ series: [{ title: 'a', x, y: flat(1, 100) }], maxY: 100, legend: false, cursorOffset: null }, 60, 6, MONO);
    expect(wide.at(-1)).toMatch(/03:10:00 +03:11:39$/);
    // 20 values fill the last 10 cells: the oldest time would start 2 cells before the newest.
    const few = chartLines({ series: [{ title: 'a', x: x.slice(0, 20), y: flat(1, 20) }], maxY: 100, legend: false, cursorOffset: null }, 60, 6, MONO);
    expect(few.at(-1)).toMatch(/^ +03:10:19$/);
    expect(few.at(-1)).not.toContain('03:10:00');
  });

  it('marks the cursor’s sample with ▲ under its column', () => {
    const lines = chartLines({ series: [{ title: 'a', x: [], y: flat(50, 40) }], maxY: 100, legend: false, cursorOffset: 0 }, 30, 5, MONO);
    const g = chartGeometry(30, 5, 100, false);
    // 40 values, two per cell, right-aligned: the first sits 20 cells from the plot's right edge.
    expect([...(lines.at(-1) ?? '')].indexOf('▲')).toBe(g.labelWidth + g.plotWidth - 20);
  });

  it('moves a time label the mark would cut aside, whole', () => {
    const x = Array.from({ length: 100 }, (_, i) => `03:${String(Math.floor(i / 60) + 10).padStart(2, '0')}:${String(i % 60).padStart(2, '0')}`);
    const at = (offset: number): string => chartLines({ series: [{ title: 'a', x, y: flat(1, 100) }], maxY: 100, legend: false, cursorOffset: offset }, 60, 6, MONO).at(-1) ?? '';
    // On the oldest sample: the oldest time steps right of the mark.
    expect(at(0)).toMatch(/▲03:10:00 +03:11:39$/);
    // On the newest: the newest time steps left of it.
    expect(at(99)).toMatch(/03:10:00 +03:11:39▲$/);
  });
});
