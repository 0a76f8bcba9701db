import uPlot from 'uplot';
import type { Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { formatBytes } from '../src/core/units.js';
import type { PageData } from './page-data.js';

interface ChartSpec {
  title: string;
  metric: 'cpu' | 'memory';
  color: string;
  level(s: Sample): number;
  /** The true peak inside the interval (the fast watch's busyMax / usedMax). */
  peak(s: Sample): number;
  format(v: number): string;
}

const SPECS: readonly ChartSpec[] = [
  { title: 'CPU busy %', metric: 'cpu', color: '#5fb3f9', level: (s) => s.cpu.total.busy, peak: (s) => Math.max(s.cpu.total.busy, s.cpu.busyMax), format: (v) => `${v.toFixed(0)}%` },
  { title: 'Memory used', metric: 'memory', color: '#8fd16a', level: (s) => s.memory.used, peak: (s) => Math.max(s.memory.used, s.memory.usedMax), format: (v) => formatBytes(v) },
];

/** The two graphs: the level at each tick, the true peak inside each interval, the spikes shaded, the cursor a line. */
export class Charts {
  private readonly plots: uPlot[] = [];

  constructor(
    private readonly data: PageData,
    hosts: readonly HTMLElement[],
    onPick: (time: number) => void,
  ) {
    SPECS.forEach((spec, i) => {
      const host = hosts[i] as HTMLElement;
      const plot = new uPlot(this.options(spec, host.clientWidth || 800), [[], [], []], host);
      // A click on the graph puts the cursor at that moment; dragging moves it along.
      const pickHere = (): void => {
        const left = plot.cursor.left ?? -1;
        if (left >= 0) onPick(plot.posToVal(left, 'x') * 1000);
      };
      plot.over.addEventListener('click', pickHere);
      plot.over.addEventListener('mousemove', (ev) => {
        if (ev.buttons === 1) pickHere();
      });
      this.plots.push(plot);
    });
    window.addEventListener('resize', () => this.plots.forEach((p, i) => p.setSize({ width: hosts[i]?.clientWidth ?? 800, height: 180 })));
  }

  /** New samples shown: the series again (both arrays are rebuilt; at most MAX_PAGE_SAMPLES points). */
  update(): void {
    const samples = this.data.shown();
    const times = samples.map((s) => s.time / 1000);
    SPECS.forEach((spec, i) => this.plots[i]?.setData([times, samples.map(spec.level), samples.map(spec.peak)]));
  }

  /** The cursor moved: only the overlay changes. */
  redraw(): void {
    for (const p of this.plots) p.redraw(false, false);
  }

  private options(spec: ChartSpec, width: number): uPlot.Options {
    return {
      title: spec.title,
      width,
      height: 180,
      cursor: { drag: { x: false, y: false } },
      scales: spec.metric === 'cpu' ? { y: { range: [0, 100] } } : { y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.05] } },
      axes: [{ stroke: '#7b8594', grid: { stroke: '#222831' } }, { stroke: '#7b8594', grid: { stroke: '#222831' }, size: 70, values: (_u, vals) => vals.map((v) => spec.format(v)) }],
      series: [
        {},
        { label: 'level', stroke: spec.color, width: 1, points: { show: false }, value: (_u, v) => (v === null ? '' : spec.format(v)) },
        { label: 'peak', stroke: '#f2a65a', width: 1, points: { show: false }, value: (_u, v) => (v === null ? '' : spec.format(v)) },
      ],
      hooks: { draw: [(u) => this.overlay(u, spec)] },
    };
  }

  /** Spikes of this graph's metric as bands, the cursor as a vertical line. */
  private overlay(u: uPlot, spec: ChartSpec): void {
    const { ctx, bbox } = u;
    const x = (ms: number): number => u.valToPos(ms / 1000, 'x', true);
    ctx.save();
    ctx.fillStyle = 'rgba(242, 166, 90, 0.15)';
    for (const s of this.data.spikes()) {
      if (s.metric !== spec.metric) continue;
      const from = x(s.start);
      const to = Math.max(from + 2, x(spikeEnd(s)));
      ctx.fillRect(from, bbox.top, to - from, bbox.height);
    }
    const at = this.data.current();
    if (at) {
      ctx.strokeStyle = '#f2f2f2';
      ctx.lineWidth = 1;
      ctx.setLineDash([4, 3]);
      const cx = Math.round(x(at.time)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(cx, bbox.top);
      ctx.lineTo(cx, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}

function spikeEnd(s: Spike): number {
  return s.end ?? s.peakAt;
}
