import type { Spike } from '../src/core/spike.js';
import { culpritText } from '../src/core/spike-text.js';
import { formatBytes, formatClock, formatDuration } from '../src/core/units.js';
import { element } from './dom.js';

/** The newest spikes shown; older ones stay reachable with p. */
const MAX_LISTED = 200;

function peakText(s: Spike): string {
  return s.metric === 'cpu' ? `${s.peak.toFixed(0)}%` : formatBytes(s.peak);
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
  li.append(element('span', culprits === '' ? '(no culprit named)' : culprits, 'culprits'));
  li.addEventListener('click', () => onPick(s));
  return li;
}

/** The spike log, newest first; the spike under the cursor is marked. */
export function renderSpikes(list: HTMLOListElement, spikes: readonly Spike[], cursorTime: number | undefined, onPick: (s: Spike) => void): void {
  const shown = spikes.slice(-MAX_LISTED).reverse();
  const isCurrent = (s: Spike): boolean => cursorTime !== undefined && cursorTime >= s.start && cursorTime <= (s.end ?? s.peakAt);
  list.replaceChildren(...shown.map((s) => spikeItem(s, isCurrent(s), onPick)));
}
