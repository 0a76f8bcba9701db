import { sanitize } from '../src/core/sanitize.js';
import type { Spike } from '../src/core/spike.js';
import type { Sample } from '../src/core/sample.js';
import { formatClock } from '../src/core/units.js';
import { showAlerts } from './alerts.js';
import { Charts } from './charts.js';
import { connect, type AgentLink } from './connection.js';
import { byId } from './dom.js';
import { parseGoTo } from './go-to.js';
import { PageData } from './page-data.js';
import { thresholdsFromQuery } from './page-thresholds.js';
import { ProbeView } from './probes.js';
import { renderSpikes, spikesKey } from './spike-list.js';
import { StoredHistory, stamp } from './stored-history.js';
import { ProcessTable, renderIo } from './tables.js';

/** What GET /session answers: whether the agent wants its token and whether this browser's session holds. */
interface SessionState {
  required: boolean;
  valid: boolean;
}

const RECONNECT_MS = 3000;

/** What a refused login says. */
const LOGIN_ANSWERS: Readonly<Record<number, string>> = { 401: 'wrong token', 429: 'too many wrong tokens: wait a few seconds' };

function status(text: string): void {
  byId('status').textContent = text;
}

/** What the header says of the cursor: following, paused on a live sample, or on stored history (with its day). */
function cursorText(data: PageData, at: Sample | undefined): string {
  if (!at) return '';
  if (data.cursor === null) return `live at ${formatClock(at.time)}`;
  return data.onStored() ? `stored at ${stamp(at.time)}` : `paused at ${formatClock(at.time)}`;
}

/** The page's one render, at most once a frame: graphs when the samples shown changed, the rest always (cheap). */
function view(data: PageData, stored: StoredHistory): { changed(samples: boolean): void } {
  const charts = new Charts(data, [byId('cpu-chart'), byId('mem-chart')], (t) => pick(t));
  const probes = new ProbeView(() => data.current()?.time);
  const table = new ProcessTable(() => changed(false));
  const spikes = byId<HTMLOListElement>('spikes');
  let frame = 0;
  let newSamples = false;
  let shownSamples: readonly Sample[] | undefined;
  let shownSpikes = '';
  let shownIo: number | undefined;
  /** Moves the cursor; a move older than the live samples loads the stored window there. */
  function moved(move: () => void): void {
    const before = data.cursor;
    move();
    stored.follow(before);
    changed(false);
  }
  function pick(time: number | null): void {
    moved(() => (data.cursor = time));
  }
  function render(): void {
    frame = 0;
    const shown = data.shown();
    if (shown !== shownSamples || (newSamples && shown === data.samples)) {
      charts.update();
      probes.update(shown);
    } else charts.redraw();
    shownSamples = shown;
    newSamples = false;
    const at = data.current();
    document.body.dataset['cursor'] = at ? String(at.time) : '';
    document.body.dataset['samples'] = String(data.samples.length);
    byId('at').textContent = cursorText(data, at);
    const key = spikesKey(data.spikes(), at?.time);
    if (key !== shownSpikes) renderSpikes(spikes, data.spikes(), at?.time, (s: Spike) => pick(s.peakAt));
    shownSpikes = key;
    table.render(at);
    probes.render(at);
    if (at?.time !== shownIo) renderIo(at);
    shownIo = at?.time;
  }
  function changed(samples: boolean): void {
    newSamples ||= samples;
    if (frame === 0) frame = requestAnimationFrame(render);
  }
  byId('live').addEventListener('click', () => pick(null));
  const goto = byId<HTMLInputElement>('goto');
  byId<HTMLFormElement>('goto-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    const last = data.samples[data.samples.length - 1]?.time ?? Date.now();
    const time = parseGoTo(goto.value, last);
    byId('note').textContent = time === null ? `cannot read '${goto.value}': try 03:12, 2026-11-22 03:12 or -6h` : '';
    if (time !== null) pick(time >= last ? null : time);
    goto.blur();
  });
  document.addEventListener('keydown', (ev) => {
    if (ev.target instanceof HTMLInputElement) return;
    const moves: Record<string, () => void> = {
      ArrowLeft: () => data.step(ev.shiftKey ? -10 : -1),
      ArrowRight: () => data.step(ev.shiftKey ? 10 : 1),
      n: () => data.jump(1),
      p: () => data.jump(-1),
      End: () => (data.cursor = null),
      Escape: () => (data.cursor = null),
    };
    if (ev.key === 'g') {
      ev.preventDefault();
      goto.focus();
      return;
    }
    const move = moves[ev.key];
    if (!move) return;
    ev.preventDefault();
    moved(move);
  });
  return { changed };
}

function open(): void {
  byId('login').hidden = true;
  byId('app').hidden = false;
  let data: PageData;
  try {
    data = new PageData(thresholdsFromQuery(location.search));
  } catch (err) {
    // A threshold out of range in the address: the defaults, and say so.
    data = new PageData();
    byId('note').textContent = `${err instanceof Error ? err.message : String(err)}: default thresholds`;
  }
  const stored = new StoredHistory(data, (text) => {
    // It may carry the agent's own words (why its store cannot be read).
    byId('store').textContent = sanitize(text, 400);
    ui.changed(false);
  });
  const ui = view(data, stored);
  const link = (): void => {
    status('connecting…');
    const agent: AgentLink = connect({
      hello: (msg) => {
        stored.connected(agent, msg.archive);
        byId('host').textContent = sanitize(msg.host?.hostname ?? 'tmon', 80);
        document.title = `tmon ${byId('host').textContent}`;
        status(`connected · agent ${sanitize(msg.agentVersion, 40)} · every ${msg.intervalMs} ms`);
      },
      samples: (samples) => {
        let added = false;
        for (const s of samples) added = data.add(s) || added;
        if (added) ui.changed(true);
      },
      alerts: showAlerts,
      status,
      closed: (opened) => {
        status(opened ? 'disconnected: reconnecting…' : 'the agent refused the connection: reconnecting…');
        setTimeout(() => void start(), RECONNECT_MS);
      },
    });
  };
  started = link;
  link();
}

/** Set once the app is open: a reconnect only opens a new link. */
let started: (() => void) | undefined;

function askToken(): void {
  const form = byId<HTMLFormElement>('login');
  const input = byId<HTMLInputElement>('token');
  form.hidden = false;
  status('token required');
  input.focus();
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const body = new URLSearchParams({ token: input.value });
    input.value = '';
    void fetch('/session', { method: 'POST', body, credentials: 'same-origin' }).then((res) => {
      if (res.ok) void start();
      else byId('login-error').textContent = LOGIN_ANSWERS[res.status] ?? `the agent answered ${res.status}`;
    });
  };
}

async function start(): Promise<void> {
  let state: SessionState;
  try {
    const res = await fetch('/session', { credentials: 'same-origin' });
    state = (await res.json()) as SessionState;
  } catch {
    status('cannot reach the agent: retrying…');
    setTimeout(() => void start(), RECONNECT_MS);
    return;
  }
  if (state.required && !state.valid) askToken();
  else if (started) {
    byId('login').hidden = true;
    started();
  }
  else open();
}

void start();
