import type { Spike } from '../src/core/spike.js';
import { culpritText, latencySubject } from '../src/core/spike-text.js';
import { formatBytes, formatClock, formatDuration, formatRoundTrip } from '../src/core/units.js';
import { element } from './dom.js';

/** The newest spikes shown; older ones stay reachable with p. */
const MAX_LISTED = 200;

function peakText(s: Spike): string {
  return s.metric === 'cpu' ? `${s.peak.toFixed(0)}%` : s.metric === 'latency' ? formatRoundTrip(s.peak) : formatBytes(s.peak);
}

/** One spike: when, what, how high, how long; then its culprits in the shared wording. */
function spikeItem(s: Spike, current: boolean, onPick: (s: Spike) => void): HTMLLIElement {
  const li = element('li', '', current ? 'current' : '');
  li.dataset['id'] = s.id;
  li.dataset['start'] = String(s.start);
  li.dataset['end'] = String(s.end ?? s.peakAt);
  const duration = s.end === null ? 'ongoing' : formatDuration(Math.max(0, s.end - s.start));
  li.append(element('span', `${formatClock(s.start)} `), element('span', `${s.metric} ${peakText(s)}`, 'what'), element('span', ` ${s.severity} ${duration}`));
  const culprits = s.culprits.map((c) => culpritText(c, s.metric)).join(', ');
  // A latency spike names its probe target, never a process.
  const names = s.metric === 'latency' ? latencySubject(s) : culprits === '' ? '(no culprit named)' : culprits;
  li.append(element('span', names, 'culprits'));
  li.addEventListener('click', () => onPick(s));
  return li;
}

const isCurrent = (s: Spike, cursorTime: number | undefined): boolean => cursorTime !== undefined && cursorTime >= s.start && cursorTime <= (s.end ?? s.peakAt);

/**
 * What the list shows, as one string: it is rebuilt only when this changes, so an item
 * under the mouse is not replaced between a press and its release. Only open spikes
 * change after they are listed, and they are the newest few.
 */
export function spikesKey(spikes: readonly Spike[], cursorTime: number | undefined): string {
  const recent = spikes.slice(-4).map((s) => `${s.id}:${s.end}:${s.peak}:${s.culprits.length}`);
  const current = spikes.filter((s) => isCurrent(s, cursorTime)).map((s) => s.id);
  return `${spikes.length}|${recent.join(',')}|${current.join(',')}`;
}

/** The spike log, newest first; the spike under the cursor is marked. */
export function renderSpikes(list: HTMLOListElement, spikes: readonly Spike[], cursorTime: number | undefined, onPick: (s: Spike) => void): void {
  const shown = spikes.slice(-MAX_LISTED).reverse();
  list.replaceChildren(...shown.map((s) => spikeItem(s, isCurrent(s, cursorTime), onPick)));
}
