import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ScrapeMetrics } from '../src/analysis/scrape-metrics.js';
import { exposition } from '../src/protocol/prometheus-text.js';
import { alertsFamilies } from '../src/protocol/alerts-report.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

/** The shipped Prometheus examples (deploy/prometheus/) check with promtool and use only names the agent exports. */
const DIR = join(import.meta.dirname, '..', 'deploy', 'prometheus');
const read = (file: string): string => readFileSync(join(DIR, file), 'utf8');

/** Every metric name in a body the agent serves, and those the agent adds about itself. */
function exportedNames(): Set<string> {
  const m = new ScrapeMetrics();
  const s = makeSample({ time: Date.UTC(2026, 10, 30), processes: [makeProcess({ pid: 2, name: 'a' })] });
  // Everything a Linux agent fills: PSI totals and filesystem available bytes included.
  s.pressure = { ...s.pressure, cpuSomeSeconds: 1, cpuFullSeconds: 0, memorySomeSeconds: 1, memoryFullSeconds: 1, ioSomeSeconds: 1, ioFullSeconds: 1 };
  s.filesystems = s.filesystems.map((f) => ({ ...f, availBytes: f.sizeBytes - f.usedBytes }));
  const culprit = { pid: 2, name: 'a', cmd: 'a', user: 'root', startTime: 1, rise: 1, share: 1 };
  m.push(s, [{ id: 'cpu@1', metric: 'cpu', start: 1, end: 2, peak: 90, peakAt: 1, min: 90, avg: 90, baseline: 1, severity: 'critical', culprits: [culprit] }]);
  const report = { version: 1 as const, host: 'h', rules: ['cpu > 95%'], firing: [{ rule: 'cpu > 95%', since: 1, value: 'cpu 99%' }] };
  const names = exposition([...m.families(), ...alertsFamilies(report)], false)
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)?.[0] ?? '');
  return new Set([...names, 'process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_start_time_seconds']);
}

/** The metric names an expression reads (those of tmon's families; `up` is Prometheus's own). */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\b(?:node|tmon|namedprocess|process)_[a-zA-Z0-9_]+/g)].map((m) => m[0]);
}

describe('deploy/prometheus', () => {
  it('the alert rules pass promtool check rules and read only exported names', () => {
    const check = spawnSync('promtool', ['check', 'rules', join(DIR, 'tmon-rules.yml')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
    const exprs = [...read('tmon-rules.yml').matchAll(/^\s*expr: (.+)$/gm)].map((m) => m[1] as string);
    expect(exprs.length).toBeGreaterThanOrEqual(4);
    const known = exportedNames();
    expect(exprs.flatMap(namesIn).filter((n) => !known.has(n))).toEqual([]);
  });

  it('the scrape example passes promtool check config once its token and CA files exist', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tmon-prom-'));
    try {
      writeFileSync(join(dir, 'tmon.token'), 'a-token\n');
      const ca = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'tmon-ca.pem'), '-days', '1', '-subj', '/CN=tmon-test'], { encoding: 'utf8' });
      expect(ca.status, ca.stderr).toBe(0);
      writeFileSync(join(dir, 'tmon-rules.yml'), read('tmon-rules.yml'));
      writeFileSync(join(dir, 'prometheus.yml'), read('prometheus.yml').replaceAll('/etc/prometheus/', `${dir}/`));
      const check = spawnSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
      expect(check.status, check.stdout + check.stderr).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the Grafana dashboard is JSON whose every query reads exported names', () => {
    const dash = JSON.parse(read('grafana-dashboard.json')) as { panels: { targets: { expr: string }[] }[] };
    const exprs = dash.panels.flatMap((p) => p.targets.map((t) => t.expr));
    expect(exprs.length).toBeGreaterThanOrEqual(8);
    const known = exportedNames();
    expect(exprs.flatMap(namesIn).filter((n) => !known.has(n))).toEqual([]);
  });
});
