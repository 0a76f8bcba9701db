import type { ProcessStats, Sample } from '../src/core/sample.js';
import { formatBytes, formatClock } from '../src/core/units.js';
import { byId, fillBody, row } from './dom.js';

type SortKey = 'pid' | 'user' | 'cpu' | 'rss' | 'name' | 'cmd';

/** Rows shown at most: the wire carries the top processes plus spike evidence, a few dozen. */
const MAX_ROWS = 200;

/** The process table of the sample under the cursor: sorted by a clicked header, filtered by the box. */
export class ProcessTable {
  private key: SortKey = 'cpu';
  private readonly table = byId<HTMLTableElement>('procs');
  private readonly filter = byId<HTMLInputElement>('filter');
  /** The sample, sort and filter shown: the rows are rebuilt only when one changes. */
  private shown = '';

  constructor(onChange: () => void) {
    for (const th of this.table.querySelectorAll<HTMLTableCellElement>('th[data-key]')) {
      th.addEventListener('click', () => {
        this.key = th.dataset['key'] as SortKey;
        onChange();
      });
    }
    this.filter.addEventListener('input', onChange);
  }

  render(sample: Sample | undefined): void {
    const key = `${sample?.time}|${this.key}|${this.filter.value}`;
    if (key === this.shown) return;
    this.shown = key;
    byId('procs-at').textContent = sample ? `at ${formatClock(sample.time)}` : '';
    for (const th of this.table.querySelectorAll<HTMLTableCellElement>('th[data-key]')) th.classList.toggle('sorted', th.dataset['key'] === this.key);
    const needle = this.filter.value.trim().toLowerCase();
    const shown = (sample?.processes ?? []).filter((p) => needle === '' || matches(p, needle)).sort(byKey(this.key)).slice(0, MAX_ROWS);
    const numeric = [true, false, true, true, false, false];
    fillBody(
      this.table,
      shown.map((p) => row([String(p.pid), p.user, p.cpu.toFixed(1), formatBytes(p.rss), p.exited === true ? `${p.name} (exited)` : p.name, p.cmd], numeric)),
    );
  }
}

function matches(p: ProcessStats, needle: string): boolean {
  return String(p.pid) === needle || p.name.toLowerCase().includes(needle) || p.cmd.toLowerCase().includes(needle) || p.user.toLowerCase().includes(needle);
}

/** Numbers biggest first (what a monitor looks for), text in alphabetical order. */
function byKey(key: SortKey): (a: ProcessStats, b: ProcessStats) => number {
  if (key === 'pid') return (a, b) => a.pid - b.pid;
  if (key === 'cpu' || key === 'rss') return (a, b) => b[key] - a[key];
  return (a, b) => a[key].localeCompare(b[key]);
}

/** Network interfaces, disk I/O and filesystems of the sample under the cursor. */
export function renderIo(sample: Sample | undefined): void {
  const rate = (bytes: number): string => `${formatBytes(bytes)}/s`;
  const num = [false, true, true];
  fillBody(byId<HTMLTableElement>('net'), (sample?.net ?? []).filter((n) => n.virtual !== true).map((n) => row([n.name, rate(n.rxBytesPerSec), rate(n.txBytesPerSec)], num)));
  fillBody(byId<HTMLTableElement>('disks'), (sample?.disks ?? []).map((d) => row([d.device, rate(d.readBytesPerSec), rate(d.writeBytesPerSec)], num)));
  fillBody(byId<HTMLTableElement>('fs'), (sample?.filesystems ?? []).map((f) => row([f.mount, formatBytes(f.usedBytes), formatBytes(f.sizeBytes)], num)));
}
