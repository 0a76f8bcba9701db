import uPlot from 'uplot';
import { sanitize } from '../src/core/sanitize.js';
import type { Sample } from '../src/core/sample.js';
import type { ProbeResult } from '../src/core/probe.js';
import { byId, element, fillBody, row } from './dom.js';

/** Targets given a graph at most; the table lists them all. */
const MAX_CHARTS = 12;
const CHART_HEIGHT = 90;

/** Every target the samples carry, in the order first seen. */
export function probeTargets(samples: readonly Sample[]): string[] {
  const seen = new Set<string>();
  for (const s of samples) for (const p of s.probes ?? []) seen.add(p.target);
  return [...seen];
}

/**
 * The round trip, or why it is down, worded as the terminal's latency panel words it
 * (src/ui/probe-model.ts, which the page cannot import: it brings the terminal's view model).
 */
export function figure(p: ProbeResult): string {
  if (!p.up) return p.status !== undefined ? `HTTP ${p.status}` : 'down';
  const ms = p.ms ?? 0;
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : ms >= 10 ? `${Math.round(ms)}ms` : `${ms.toFixed(1)}ms`;
}

/** One target's graph and what its overlay draws. */
interface ProbeChart {
  plot: uPlot;
  times: number[];
  /** Per sample: the target did not answer (or answered outside 2xx/3xx). */
  down: boolean[];
}

/**
 * The probes (`--probe`): per target its state at the cursor's sample (up or down, round
 * trip or HTTP status, why down) and a graph of its round trips over the samples shown,
 * the samples where it was down marked in red. Hidden while no sample carries a probe.
 */
export class ProbeView {
  private readonly section = byId('probes-section');
  private readonly host = byId('probe-charts');
  private readonly charts = new Map<string, ProbeChart>();

  constructor(private readonly cursorTime: () => number | undefined) {
    window.addEventListener('resize', () => {
      for (const chart of this.charts.values()) chart.plot.setSize({ width: this.host.clientWidth || 800, height: CHART_HEIGHT });
    });
  }

  /** New samples shown: the graphs again. */
  update(samples: readonly Sample[]): void {
    const targets = probeTargets(samples).slice(0, MAX_CHARTS);
    this.section.hidden = targets.length === 0;
    for (const [target, chart] of this.charts) {
      if (targets.includes(target)) continue;
      chart.plot.destroy();
      chart.plot.root.parentElement?.remove();
      this.charts.delete(target);
    }
    const times = samples.map((s) => s.time / 1000);
    for (const target of targets) {
      const results = samples.map((s) => s.probes?.find((p) => p.target === target));
      const chart = this.charts.get(target) ?? this.add(target);
      chart.times = times;
      chart.down = results.map((r) => r?.up === false);
      chart.plot.setData([times, results.map((r) => (r?.up === true && r.ms !== undefined ? r.ms : null))]);
    }
  }

  /** The cursor moved: the cursor lines and the table. */
  render(at: Sample | undefined): void {
    for (const chart of this.charts.values()) chart.plot.redraw(false, false);
    const rows = (at?.probes ?? []).map((p) => {
      const tr = row([p.up ? '▲ up' : '▼ down', sanitize(p.target, 200), figure(p), p.up ? '' : sanitize(p.error ?? '', 200)], [false, false, true, false]);
      tr.className = p.up ? 'up' : 'down';
      tr.dataset['target'] = p.target;
      return tr;
    });
    fillBody(byId<HTMLTableElement>('probes'), rows);
  }

  private add(target: string): ProbeChart {
    const box = element('div', '', 'probe-chart');
    box.dataset['target'] = target;
    this.host.append(box);
    const drawn: Omit<ProbeChart, 'plot'> = { times: [], down: [] };
    const plot = new uPlot(
      {
        title: sanitize(target, 200),
        width: this.host.clientWidth || 800,
        height: CHART_HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(max, 1) * 1.1] } },
        axes: [{ stroke: '#7b8594', grid: { stroke: '#222831' } }, { stroke: '#7b8594', grid: { stroke: '#222831' }, size: 70, values: (_u, vals) => vals.map((v) => `${v}ms`) }],
        series: [{}, { label: 'round trip', stroke: '#c38ef5', width: 1, points: { show: false } }],
        hooks: { draw: [(u) => this.overlay(u, drawn)] },
      },
      [[], []],
      box,
    );
    const chart = Object.assign(drawn, { plot });
    this.charts.set(target, chart);
    return chart;
  }

  /** Samples where the target was down as red bars; the cursor as a line. */
  private overlay(u: uPlot, chart: Omit<ProbeChart, 'plot'>): void {
    const { ctx, bbox } = u;
    const x = (s: number): number => u.valToPos(s, 'x', true);
    ctx.save();
    ctx.fillStyle = 'rgba(240, 80, 80, 0.45)';
    chart.down.forEach((isDown, i) => {
      if (!isDown) return;
      const from = x(chart.times[i] as number);
      const to = x(chart.times[i + 1] ?? (chart.times[i] as number) + 1);
      ctx.fillRect(from, bbox.top, Math.max(2, to - from), bbox.height);
    });
    const at = this.cursorTime();
    if (at !== undefined) {
      ctx.strokeStyle = '#f2f2f2';
      ctx.setLineDash([4, 3]);
      const cx = Math.round(x(at / 1000)) + 0.5;
      ctx.beginPath();
      ctx.moveTo(cx, bbox.top);
      ctx.lineTo(cx, bbox.top + bbox.height);
      ctx.stroke();
    }
    ctx.restore();
  }
}
