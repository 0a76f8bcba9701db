import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { agentStateName, alertEvent, alertSetup, recordStateName, type AlertValues } from '../src/commands/alerting.js';
import type { AlertNotice } from '../src/analysis/alert-state.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function values(more: Partial<AlertValues> = {}): AlertValues & { probe: [] } {
  return { alert: ['cpu > 99%'], alerts: undefined, notify: [], 'alert-repeat': 4 * 3_600_000, 'quiet-hours': undefined, 'alert-state': undefined, probe: [], ...more };
}

/** alertSetup's state file with XDG_STATE_HOME pointing at a fresh directory. */
function stateFileWith(storeDir: string | undefined, name: string, more: Partial<AlertValues> = {}): { file: string | undefined; state: string } {
  const state = mkdtempSync(join(tmpdir(), 'tmon-alerting-'));
  dirs.push(state);
  const saved = process.env['XDG_STATE_HOME'];
  process.env['XDG_STATE_HOME'] = state;
  try {
    return { file: alertSetup(values(more), storeDir, name)?.file, state };
  } finally {
    if (saved === undefined) delete process.env['XDG_STATE_HOME'];
    else process.env['XDG_STATE_HOME'] = saved;
  }
}

describe('the default alert state file', () => {
  it('is one per agent: by listen address without --store, so two agents on one machine never share one', () => {
    const a = stateFileWith(undefined, agentStateName({ host: '127.0.0.1', port: 7654 }));
    expect(a.file).toBe(join(a.state, 'tmon', 'agent-127.0.0.1-7654-alert-state.json'));
    expect(existsSync(join(a.state, 'tmon'))).toBe(true);
    expect(agentStateName({ host: '127.0.0.1', port: 7655 })).not.toBe(agentStateName({ host: '127.0.0.1', port: 7654 }));
    expect(agentStateName({ host: '::1', port: 7654 })).toBe('agent-__1-7654-alert-state.json');
    expect(agentStateName({ host: '../../etc', port: 1 })).toBe('agent-.._.._etc-1-alert-state.json');
  });

  it('is in the store with --store, and --alert-state wins over both', () => {
    const store = mkdtempSync(join(tmpdir(), 'tmon-alerting-store-'));
    dirs.push(store);
    const name = agentStateName({ host: '127.0.0.1', port: 7654 });
    expect(stateFileWith(store, name).file).toBe(join(store, 'alert-state.json'));
    expect(stateFileWith(store, name, { 'alert-state': join(store, 'mine.json') }).file).toBe(join(store, 'mine.json'));
  });

  it('is one per recording file for tmon record: the same file keeps its own, another file another', () => {
    expect(recordStateName('night.tmon')).toBe(recordStateName(join(process.cwd(), 'night.tmon')));
    expect(recordStateName('/srv/a/night.tmon')).not.toBe(recordStateName('/srv/b/night.tmon'));
    expect(recordStateName('/srv/a/night.tmon')).toMatch(/^record-night\.tmon-[0-9a-f]{8}-alert-state\.json$/);
  });
});

describe('alertEvent', () => {
  it('is the notice without its host (the recording names it)', () => {
    const n: AlertNotice = { kind: 'resolved', rule: 'r', host: 'db1', value: 'v', since: 1, at: 2, top: [{ pid: 1, name: 'x', user: 'u', cpu: 0, rss: 0 }], culprits: ['x[1] 90%'] };
    expect(alertEvent(n)).toEqual({ kind: 'resolved', rule: 'r', value: 'v', since: 1, at: 2, top: n.top, culprits: ['x[1] 90%'] });
  });
});
