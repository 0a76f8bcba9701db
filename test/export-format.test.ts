import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, MAX_CSV_PROBES, csvField, probeTargetsOf, samplesToCsv, spikesToJson, spikesToText } from '../src/store/export-format.js';
import type { Spike } from '../src/core/spike.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';
import { makeSpike } from './fixtures/store/varied-samples.js';

const T = Date.UTC(2026, 10, 22, 3, 12, 5);

/** A minimal RFC 4180 reader, to check that quoting survives a real parse. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  return rows;
}

describe('spikesToJson', () => {
  it('writes one JSON object per line with start, end, metric, peak and culprits', () => {
    const open = { ...makeSpike(T + 60_000, 'cpu'), end: null };
    const out = spikesToJson([makeSpike(T), open]);
    const lines = out.split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe('');
    const first = JSON.parse(lines[0] as string);
    expect(first).toEqual({
      id: `memory@${T}`,
      metric: 'memory',
      start: '2026-11-22T03:12:05.000Z',
      end: '2026-11-22T03:12:08.000Z',
      durationMs: 3000,
      peak: 5.5e9,
      unit: 'bytes',
      peakAt: '2026-11-22T03:12:06.000Z',
      baseline: 2e9,
      severity: 'critical',
      culprits: [
        { pid: 4242, name: 'stress', command: 'stress --vm 1 --vm-bytes 3G', user: 'alice', share: 0.83, rise: 3e9 },
        { pid: 12, name: 'node, "x"', command: 'node server.js', user: 'bob', share: 0.17, rise: 6e8, exited: true },
      ],
    });
    expect(JSON.parse(lines[1] as string)).toMatchObject({ metric: 'cpu', end: null, durationMs: null, unit: 'percent', peak: 97.5 });
    expect(spikesToJson([])).toBe('');
  });
});

describe('spikesToText', () => {
  it('prints one line per spike: time, metric, peak, rise, duration, severity, culprits with shares', () => {
    const text = spikesToText([makeSpike(T), { ...makeSpike(T, 'cpu'), end: null, culprits: [] }], { utc: true });
    expect(text).toBe(
      '2026-11-22 03:12:05  memory  peak 5.1G (+3.3G)  3.0s  critical  stress[4242] 83%, node, "x"[12] 17% exited\n' +
        '2026-11-22 03:12:05  cpu     peak 97.5% (+85.5 pts)  ongoing  critical  no culprit found\n',
    );
  });
});

describe('latency spikes in tmon spikes', () => {
  const lat: Spike = { id: `latency@${T}#0badc0de`, metric: 'latency', target: 'http://127.0.0.1:8080/health', start: T, end: T + 2000, peak: 712.4, peakAt: T + 1000, min: 650, avg: 680, baseline: 2.5, severity: 'careful', culprits: [] };

  it('text: the round trip in ms, the rise over the usual one, and the target in place of culprits', () => {
    expect(spikesToText([lat], { utc: true })).toBe('2026-11-22 03:12:05  latency  peak 712ms (+710ms)  2.0s  careful  http://127.0.0.1:8080/health (usual 2.5ms)\n');
  });

  it('JSON: unit ms, the target, no culprits', () => {
    expect(JSON.parse(spikesToJson([lat]))).toMatchObject({ metric: 'latency', target: 'http://127.0.0.1:8080/health', unit: 'ms', peak: 712.4, baseline: 2.5, culprits: [] });
  });

  it('a hostile target: control characters as ? in text, escaped in JSON', () => {
    const hostile = { ...lat, target: 'http://h/\x1b[2J\u202e' };
    expect(spikesToText([hostile], { utc: true })).toContain('http://h/?[2J? (usual 2.5ms)');
    expect(spikesToJson([hostile]).slice(0, -1)).not.toMatch(UNSAFE);
  });
});

describe('samplesToCsv', () => {
  it('writes a header and one row per sample with the documented columns', () => {
    const procs = [
      makeProcess({ pid: 7, name: 'web, "api"', cpu: 12.34, rss: 100 * 1024 * 1024 }),
      makeProcess({ pid: 9, name: 'db', cpu: 55.55, rss: 900 * 1024 * 1024 }),
    ];
    const s = makeSample({ time: T, cpuBusy: 42.26, memUsed: 3e9, processes: procs });
    // Loopback and a bridge repeating eth0's traffic are not network totals.
    s.net.push({ name: 'lo', rxBytesPerSec: 1e9, txBytesPerSec: 1e9 }, { name: 'eth1', rxBytesPerSec: 10.4, txBytesPerSec: 20 }, { name: 'br0', rxBytesPerSec: 1000, txBytesPerSec: 500, virtual: true });
    s.memory.usedMax = 3.5e9;
    s.cpu.busyMax = 88;
    const rows = parseCsv([...samplesToCsv([s, makeSample({ time: T + 1000 })])].join(''));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows[1]).toEqual([
      '2026-11-22T03:12:05.000Z',
      '42.3',
      '88.0',
      '3000000000',
      '3500000000',
      String(8 * 1024 ** 3),
      '0',
      '0.85',
      '1010',
      '520',
      'db[9]',
      '55.5',
      'db[9]',
      String(900 * 1024 * 1024),
    ]);
    expect(rows[2]?.slice(10)).toEqual(['', '', '', '']);
    expect(rows).toHaveLength(3);
    expect([...samplesToCsv([s], { header: false })]).toHaveLength(1);
  });

  it('gives each probe target two columns, up and round trip, in the order first seen; empty where a sample did not probe it', () => {
    const web = 'https://example.com/';
    const db = 'tcp://10.0.0.5:5432';
    const a = makeSample({ time: T });
    a.probes = [{ target: web, up: true, ms: 12.34, ttfbMs: 10, status: 200 }];
    const b = makeSample({ time: T + 1000 });
    b.probes = [
      { target: db, up: false, error: 'refused' },
      { target: web, up: true, ms: 20 },
    ];
    const targets = [...probeTargetsOf([a, b])];
    expect(targets).toEqual([web, db]);
    const rows = parseCsv([...samplesToCsv([a, b], { probeTargets: targets })].join(''));
    expect(rows[0]?.slice(CSV_COLUMNS.length)).toEqual([`probe_up ${web}`, `probe_ms ${web}`, `probe_up ${db}`, `probe_ms ${db}`]);
    expect(rows[1]?.slice(CSV_COLUMNS.length)).toEqual(['1', '12.3', '', '']);
    expect(rows[2]?.slice(CSV_COLUMNS.length)).toEqual(['1', '20.0', '0', '']);
    // Without targets the columns are the documented ones alone.
    expect(parseCsv([...samplesToCsv([a])].join(''))[0]).toEqual([...CSV_COLUMNS]);
  });

  it('names a crafted probe target in the header with ? for its control characters, bounded in count', () => {
    const s = makeSample({ time: T });
    s.probes = Array.from({ length: MAX_CSV_PROBES + 5 }, (_, i) => ({ target: `tcp://h${i}\x1b[31m:1`, up: true, ms: 1 }));
    const targets = [...probeTargetsOf([s])];
    expect(targets).toHaveLength(MAX_CSV_PROBES);
    const header = [...samplesToCsv([], { probeTargets: targets })].join('');
    expect(header).not.toContain('\x1b');
    expect(parseCsv(header)[0]?.[CSV_COLUMNS.length]).toBe('probe_up tcp://h0?[31m:1');
  });

  it('quotes fields with commas, quotes, line breaks and edge spaces', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(' padded')).toBe('" padded"');
    const s = makeSample({ time: T, processes: [makeProcess({ pid: 1, name: 'x,"y" z', cpu: 5 })] });
    expect(parseCsv([...samplesToCsv([s])].join(''))[1]?.[10]).toBe('x,"y" z[1]');
  });

  it('writes a process name a spreadsheet would run as a formula as text, and control characters as ?', () => {
    const cases: [string, string][] = [
      ["=cmd|' /C calc'", "'=cmd|' /C calc'[1]"],
      ['+1+1', "'+1+1[1]"],
      ['-2+3', "'-2+3[1]"],
      ['@SUM(A1)', "'@SUM(A1)[1]"],
      ['\t=1', "'?=1[1]"],
      ['\x1b]0;PWN\x07', '?]0;PWN?[1]'],
      ['a\nb\u202e', 'a?b?[1]'],
    ];
    for (const [name, cell] of cases) {
      const s = makeSample({ time: T, processes: [makeProcess({ pid: 1, name, cpu: 5, rss: 1 })] });
      const row = [...samplesToCsv([s], { header: false })].join('');
      expect(parseCsv(row)[0]?.[10], name).toBe(cell);
      expect(parseCsv(row)[0]?.[12], name).toBe(cell);
      expect(row.slice(0, -2), name).not.toMatch(UNSAFE);
    }
  });
});

// eslint-disable-next-line no-control-regex -- finding raw control and bidi characters is the point
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;
const HOSTILE_CULPRIT = { pid: 66, name: '\x1b]0;PWN\x07\x1b[2J', cmd: 'x\n  31337 root FORGED \u202egnp.exe\x9b', user: 'ev\u2066il', startTime: 1, rise: 1e9, share: 0.5 };

describe('hostile names in spikes output', () => {
  it('text: one line per spike, control characters as ?', () => {
    const text = spikesToText([{ ...makeSpike(T), culprits: [HOSTILE_CULPRIT] }], { utc: true });
    expect(text).toBe('2026-11-22 03:12:05  memory  peak 5.1G (+3.3G)  3.0s  critical  ?]0;PWN??[2J[66] 50%\n');
  });

  it('JSON: control, C1 and bidi characters escaped as \\uXXXX, the exact strings kept', () => {
    const line = spikesToJson([{ ...makeSpike(T), culprits: [HOSTILE_CULPRIT] }]);
    expect(line.slice(0, -1)).not.toMatch(UNSAFE);
    expect(line).toContain('\\u202egnp.exe\\u009b');
    expect(line).toContain('ev\\u2066il');
    expect(JSON.parse(line).culprits[0]).toMatchObject({ name: HOSTILE_CULPRIT.name, command: HOSTILE_CULPRIT.cmd, user: HOSTILE_CULPRIT.user });
  });
});
