/**
 * Every dashboard panel, in the order they are laid out within their region.
 * A new panel is its file under ui/panels/ plus one line here.
 */
import { alertsPanel } from './alerts.js';
import { cpuPanel } from './cpu.js';
import { disksPanel } from './disks.js';
import { eventsPanel } from './events.js';
import { memoryPanel } from './memory.js';
import type { PanelDef } from './panel.js';
import { probesPanel } from './probes.js';
import { processesPanel } from './processes.js';
import { spikesPanel } from './spikes.js';
import { sparksPanel } from './sparks.js';
import { usersPanel } from './users.js';

export const PANELS: readonly PanelDef[] = [
  cpuPanel,
  memoryPanel,
  sparksPanel,
  processesPanel,
  spikesPanel,
  alertsPanel,
  usersPanel,
  eventsPanel,
  disksPanel,
  probesPanel,
];
