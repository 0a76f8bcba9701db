import { describe, expect, it } from 'vitest';
import { CloseCode, PROTOCOL_VERSION, wantsAlerts } from '../src/protocol/wire-messages.js';
import type { Spike } from '../src/core/spike.js';
import {
  MAX_CMD_CHARS,
  MAX_STRING_CHARS,
  MAX_WIRE_PROCESSES,
  ProtocolMismatchError,
  WireError,
  decodeAgentMessage,
  decodeViewerMessage,
  validateSample,
  validateSpike,
} from '../src/protocol/wire-decode.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const sample = makeSample({
  time: 1_700_000_000_000,
  processes: [makeProcess({ pid: 7, name: 'a (b) c', rssPeak: 5e8, childCpu: 12.5, exited: true }), makeProcess({ pid: 8, name: 'x' })],
});

function wireError(fn: () => unknown): WireError {
  try {
    fn();
  } catch (err) {
    if (err instanceof WireError) return err;
    throw err;
  }
  throw new Error('expected a WireError');
}

const REMOVE = Symbol('remove');

/** The sample as JSON with the field at `path` replaced (or removed), the way a broken or hostile agent would send it. */
function tampered(path: (string | number)[], value: unknown): unknown {
  const copy = JSON.parse(JSON.stringify(sample)) as unknown;
  let node = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path.at(-1) as string | number;
  if (value === REMOVE) delete node[last];
  else node[last] = value;
  return copy;
}

describe('validateSample', () => {
  it('accepts a complete sample and returns an equal copy', () => {
    const json = JSON.parse(JSON.stringify(sample)) as unknown;
    const out = validateSample(json, 'sample');
    expect(out).toEqual(sample);
    expect(out).not.toBe(json);
  });

  it("keeps a net interface's virtual flag, and refuses one that is not a boolean", () => {
    const out = validateSample(tampered(['net'], [{ name: 'veth1', rxBytesPerSec: 1, txBytesPerSec: 2, virtual: true }, { name: 'eth0', rxBytesPerSec: 3, txBytesPerSec: 4 }]), 'sample');
    expect(out.net).toEqual([{ name: 'veth1', rxBytesPerSec: 1, txBytesPerSec: 2, virtual: true }, { name: 'eth0', rxBytesPerSec: 3, txBytesPerSec: 4 }]);
    expect(wireError(() => validateSample(tampered(['net', 0, 'virtual'], 'yes'), 'sample')).message).toBe('sample.net[0].virtual must be true or false');
  });

  it('carries the memory cgroup fields: limit, OOM kills, limit hits', () => {
    const limited = { ...sample, memory: { ...sample.memory, total: 512e6, limit: 512e6, oomKills: 1, limitHits: 3 } };
    expect(validateSample(JSON.parse(JSON.stringify(limited)), 'sample')).toEqual(limited);
    const err = wireError(() => validateSample(tampered(['memory', 'limit'], '512M'), 'sample'));
    expect(err.message).toBe('sample.memory.limit must be a finite number');
  });

  it('carries PSI stall totals and filesystem available bytes where an agent sends them, and refuses them as text', () => {
    const full = {
      ...sample,
      pressure: { ...sample.pressure, cpuSomeSeconds: 14759.26, cpuFullSeconds: 0, memorySomeSeconds: 0.43, memoryFullSeconds: 0.03, ioSomeSeconds: 69.01, ioFullSeconds: 25.68 },
      filesystems: sample.filesystems.map((f) => ({ ...f, availBytes: 5e9 })),
    };
    expect(validateSample(JSON.parse(JSON.stringify(full)), 'sample')).toEqual(full);
    // An older agent sends neither: absent, not 0.
    const old = validateSample(JSON.parse(JSON.stringify(sample)), 'sample');
    expect(old.pressure).not.toHaveProperty('ioSomeSeconds');
    expect(old.filesystems[0]).not.toHaveProperty('availBytes');
    expect(wireError(() => validateSample(tampered(['pressure', 'ioFullSeconds'], '25s'), 'sample')).message).toBe('sample.pressure.ioFullSeconds must be a finite number');
    expect(wireError(() => validateSample(tampered(['filesystems', 0, 'availBytes'], '5G'), 'sample')).message).toBe('sample.filesystems[0].availBytes must be a finite number');
  });

  it('keeps a process marked outside the limiting cgroup, and refuses the mark as anything but true', () => {
    expect(validateSample(tampered(['processes', 0, 'outside'], true), 'sample').processes[0]?.outside).toBe(true);
    expect(wireError(() => validateSample(tampered(['processes', 0, 'outside'], false), 'sample')).message).toBe('sample.processes[0].outside must be true');
  });

  it('drops fields it does not know', () => {
    expect(validateSample(tampered(['extra'], 1), 'sample')).not.toHaveProperty('extra');
    expect(validateSample(tampered(['processes', 0, 'evil'], 'x'), 'sample').processes[0]).not.toHaveProperty('evil');
  });

  it.each([
    ['a number that is a string', ['cpu', 'total', 'busy'], '12', 'sample.cpu.total.busy must be a finite number'],
    ['null for a number', ['memory', 'used'], null, 'sample.memory.used must be a finite number'],
    ['processes not an array', ['processes'], { 0: {} }, 'sample.processes must be an array'],
    ['a process name that is a number', ['processes', 1, 'name'], 5, 'sample.processes[1].name must be a string'],
    ['an optional field of the wrong type', ['processes', 0, 'exited'], 'yes', 'sample.processes[0].exited must be true or false'],
    ['host missing', ['host'], REMOVE, 'sample.host must be an object'],
    ['a core that is not an object', ['cpu', 'cores', 1], 3, 'sample.cpu.cores[1] must be an object'],
    ['another sample version', ['version'], 2, 'sample.version must be 1'],
  ] as const)('refuses %s, naming the path', (_name, path, value, message) => {
    const err = wireError(() => validateSample(tampered([...path], value), 'sample'));
    expect(err.code).toBe(CloseCode.malformed);
    expect(err.message).toBe(message);
  });

  it('refuses a number that JSON turns into Infinity', () => {
    const text = JSON.stringify(sample).replace(/"uptime":-?[0-9.e+]+/, '"uptime":1e999');
    expect(text).toContain('"uptime":1e999');
    expect(wireError(() => validateSample(JSON.parse(text), 'sample')).message).toBe('sample.uptime must be a finite number');
  });

  it('accepts null pressure where the kernel has none', () => {
    const out = validateSample(tampered(['pressure'], { cpu: null, memory: null, io: null }), 'sample');
    expect(out.pressure).toEqual({ cpu: null, memory: null, io: null });
  });
});

const spike: Spike = {
  id: 'memory@1700000000000',
  metric: 'memory',
  start: 1_700_000_000_000,
  end: 1_700_000_002_000,
  peak: 7e9,
  peakAt: 1_700_000_001_000,
  min: 6e9,
  avg: 6.5e9,
  baseline: 2e9,
  severity: 'warning',
  culprits: [
    { pid: 4242, name: 'alloc', cmd: 'alloc --size 5G', user: 'alice', startTime: 1_699_999_999_000, rise: 5e9, share: 0.9, exited: true },
    { pid: 77, name: 'node', cmd: 'node', user: 'bob', startTime: 1, rise: 5e8, share: 0.1, viaChildren: true },
  ],
};

describe('validateSpike', () => {
  it('accepts the OOM kill and limit hit events', () => {
    for (const metric of ['oom', 'limit'] as const) expect(validateSpike({ ...spike, metric }, 'spike').metric).toBe(metric);
  });

  it('accepts a whole spike, ongoing ones too, and drops unknown fields', () => {
    expect(validateSpike(JSON.parse(JSON.stringify(spike)), 'spike')).toEqual(spike);
    expect(validateSpike({ ...spike, end: null, extra: 1 }, 'spike')).toEqual({ ...spike, end: null });
  });

  it.each([
    ['an unknown metric', { ...spike, metric: 'disk' }, 'spike.metric must be one of "cpu", "memory", "oom", "limit", "latency"'],
    ['an unknown severity', { ...spike, severity: 'bad' }, 'spike.severity must be one of "notice", "careful", "warning", "critical"'],
    ['a culprit without a name', { ...spike, culprits: [{ ...spike.culprits[0], name: undefined }] }, 'spike.culprits[0].name must be a string'],
    ['a missing peak', { ...spike, peak: undefined }, 'spike.peak must be a finite number'],
  ])('refuses %s', (_name, value, message) => {
    const err = wireError(() => validateSpike(value, 'spike'));
    expect(err.code).toBe(CloseCode.malformed);
    expect(err.message).toBe(message);
  });
});

describe('decodeViewerMessage', () => {
  const v = PROTOCOL_VERSION;

  it('decodes an archive history request and a spikes request', () => {
    expect(decodeViewerMessage(JSON.stringify({ v, type: 'history-request', id: 4, from: 10, to: 20, archive: true }))).toEqual({
      v, type: 'history-request', id: 4, from: 10, to: 20, archive: true,
    });
    expect(decodeViewerMessage(JSON.stringify({ v, type: 'spikes-request', id: 5, from: 0, to: 9 }))).toEqual({ v, type: 'spikes-request', id: 5, from: 0, to: 9 });
  });

  it('decodes a history request and a set-interval', () => {
    expect(decodeViewerMessage(JSON.stringify({ v, type: 'history-request', id: 3, from: 10, to: 20 }))).toEqual({
      v, type: 'history-request', id: 3, from: 10, to: 20,
    });
    expect(decodeViewerMessage(JSON.stringify({ v, type: 'set-interval', intervalMs: 250 }))).toEqual({ v, type: 'set-interval', intervalMs: 250 });
    expect(decodeViewerMessage(JSON.stringify({ v, type: 'set-interval', intervalMs: null }))).toEqual({ v, type: 'set-interval', intervalMs: null });
  });

  it.each([
    ['not JSON', '{"v":1,', CloseCode.malformed, 'message is not valid JSON'],
    ['an array', '[1,2]', CloseCode.malformed, 'message must be a JSON object'],
    ['a JSON string', '"hello"', CloseCode.malformed, 'message must be a JSON object'],
    ['no version', '{"type":"set-interval","intervalMs":300}', CloseCode.malformed, 'message.v (protocol version) is missing'],
    ['another version', `{"v":99,"type":"set-interval","intervalMs":300}`, CloseCode.wrongVersion, 'protocol version "99" is not supported: this agent speaks 1'],
    ['an unknown type', `{"v":${v},"type":"run","cmd":"rm -rf /"}`, CloseCode.unknownType, 'unknown message type "run"'],
    ['a prototype key as type', `{"v":${v},"type":"__proto__"}`, CloseCode.unknownType, 'unknown message type "__proto__"'],
    ['a missing type', `{"v":${v}}`, CloseCode.unknownType, 'unknown message type (none)'],
    ['from after to', `{"v":${v},"type":"history-request","id":1,"from":5,"to":4}`, CloseCode.malformed, 'message.from must be at most .to'],
    ['a fractional id', `{"v":${v},"type":"history-request","id":1.5,"from":1,"to":4}`, CloseCode.malformed, 'message.id must be an integer'],
    ['a string time', `{"v":${v},"type":"history-request","id":1,"from":"0","to":4}`, CloseCode.malformed, 'message.from must be a finite number'],
    ['a zero interval', `{"v":${v},"type":"set-interval","intervalMs":0}`, CloseCode.malformed, 'message.intervalMs must be above 0'],
    ['archive that is not true or false', `{"v":${v},"type":"history-request","id":1,"from":1,"to":4,"archive":"yes"}`, CloseCode.malformed, 'message.archive must be true or false'],
    ['a spikes request without an id', `{"v":${v},"type":"spikes-request","from":1,"to":4}`, CloseCode.malformed, 'message.id must be an integer'],
    ['a spikes request from after to', `{"v":${v},"type":"spikes-request","id":1,"from":5,"to":4}`, CloseCode.malformed, 'message.from must be at most .to'],
  ])('refuses %s', (_name, text, code, message) => {
    const err = wireError(() => decodeViewerMessage(text));
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
  });

  it('shortens a long hostile value it echoes', () => {
    const err = wireError(() => decodeViewerMessage(JSON.stringify({ v, type: 'x'.repeat(10_000) })));
    expect(err.message.length).toBeLessThan(80);
  });
});

describe('decodeAgentMessage', () => {
  const hello = {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    agentVersion: '0.1.0',
    host: sample.host,
    intervalMs: 1000,
    baseIntervalMs: 1000,
    limits: { minIntervalMs: 200, maxIntervalMs: 1000, maxPayloadBytes: 65536, historySamples: 3600, maxMessagesPerSec: 20, heartbeatMs: 15000 },
    history: { count: 0, oldest: null, newest: null },
  };

  it('decodes hello, sample, history, interval and error', () => {
    // An agent from before stored history sends no `archive`: read as keeping none.
    expect(decodeAgentMessage(JSON.stringify(hello))).toEqual({ ...hello, archive: null });
    expect(decodeAgentMessage(JSON.stringify({ ...hello, host: null, archive: null }))).toEqual({ ...hello, host: null, archive: null });
    expect(decodeAgentMessage(JSON.stringify({ type: 'sample', sample }))).toEqual({ type: 'sample', sample });
    expect(decodeAgentMessage(JSON.stringify({ type: 'history', id: 1, samples: [sample], done: true }))).toEqual({
      type: 'history', id: 1, samples: [sample], done: true,
    });
    expect(decodeAgentMessage('{"type":"interval","intervalMs":250}')).toEqual({ type: 'interval', intervalMs: 250 });
    expect(decodeAgentMessage('{"type":"error","code":4000,"message":"x"}')).toEqual({ type: 'error', code: 4000, message: 'x' });
  });

  it('decodes the store in hello and a spikes reply', () => {
    const archive = { oldest: 1, newest: 2, spikes: 3, maxSamples: 7200 };
    expect(decodeAgentMessage(JSON.stringify({ ...hello, archive }))).toEqual({ ...hello, archive });
    const reply = { type: 'spikes', id: 2, spikes: [spike], archive };
    expect(decodeAgentMessage(JSON.stringify(reply))).toEqual(reply);
    const unreadable = { type: 'spikes', id: 3, spikes: [], archive: { ...archive, oldest: null, newest: null }, problem: 'gone' };
    expect(decodeAgentMessage(JSON.stringify(unreadable))).toEqual(unreadable);
    expect(decodeAgentMessage(JSON.stringify({ type: 'spikes', id: 4, spikes: [], archive: null }))).toEqual({ type: 'spikes', id: 4, spikes: [], archive: null });
  });

  it('decodes latency spikes in newerSpikes, with their target; one of a metric it does not know is left out', () => {
    const lat: Spike = { ...spike, id: 'latency@5#0badc0de', metric: 'latency', target: 'http://127.0.0.1:8080/', peak: 700, culprits: [] };
    const later = { ...lat, id: 'gpu@6', metric: 'gpu' };
    const reply = { type: 'spikes', id: 2, spikes: [spike], newerSpikes: [lat, later], archive: null };
    expect(decodeAgentMessage(JSON.stringify(reply))).toEqual({ ...reply, newerSpikes: [lat] });
    const broken = wireError(() => decodeAgentMessage(JSON.stringify({ ...reply, newerSpikes: [{ ...lat, target: 7 }] })));
    expect(broken.message).toBe('message.newerSpikes[0].target must be a string');
    // A viewer from before this field reads the message's `spikes` as it always did.
    expect(decodeAgentMessage(JSON.stringify({ ...reply, newerSpikes: undefined }))).toEqual({ type: 'spikes', id: 2, spikes: [spike], archive: null });
  });

  it('refuses a spikes reply carrying a broken spike, or a hello with a broken store', () => {
    const bad = wireError(() => decodeAgentMessage(JSON.stringify({ type: 'spikes', id: 1, spikes: [{ ...spike, culprits: [{ pid: 'x' }] }], archive: null })));
    expect(bad.message).toBe('message.spikes[0].culprits[0].pid must be a finite number');
    expect(wireError(() => decodeAgentMessage(JSON.stringify({ ...hello, archive: { oldest: 1 } }))).message).toBe('message.archive.newest must be a finite number');
  });

  it('names both versions when the agent speaks another protocol', () => {
    const err = wireError(() => decodeAgentMessage(JSON.stringify({ ...hello, protocolVersion: 2, agentVersion: '0.9.0', limits: 'new shape' })));
    expect(err).toBeInstanceOf(ProtocolMismatchError);
    expect(err.code).toBe(CloseCode.wrongVersion);
    expect((err as ProtocolMismatchError).agentProtocol).toBe(2);
    expect((err as ProtocolMismatchError).agentVersion).toBe('0.9.0');
  });

  it('refuses a history reply carrying a broken sample', () => {
    const broken = { ...sample, processes: [{ pid: 'one' }] };
    const err = wireError(() => decodeAgentMessage(JSON.stringify({ type: 'history', id: 1, samples: [sample, broken], done: true })));
    expect(err.message).toBe('message.samples[1].processes[0].pid must be a finite number');
  });

  it('refuses an unknown type', () => {
    expect(wireError(() => decodeAgentMessage('{"type":"exec"}')).code).toBe(CloseCode.unknownType);
  });

  describe('the alert message', () => {
    const alerts = {
      version: 1,
      host: 'db1',
      rules: ['cpu > 95% for 5m', 'process(apache2) absent'],
      firing: [{ rule: 'process(apache2) absent', since: 1_000, value: '0 processes matching apache2' }],
    };
    const message = (over: Record<string, unknown> = {}, report: Record<string, unknown> = {}): string =>
      JSON.stringify({ type: 'alert', at: 2_000, alerts: { ...alerts, ...report }, ...over });

    it('decodes the rules and the firing ones, unknown fields dropped', () => {
      expect(decodeAgentMessage(message({ extra: 1 }, { extra: 2 }))).toEqual({ type: 'alert', at: 2_000, alerts });
      expect(decodeAgentMessage(message({ at: null }, { rules: [], firing: [] }))).toEqual({ type: 'alert', at: null, alerts: { ...alerts, rules: [], firing: [] } });
    });

    it('refuses every malformed field with its path', () => {
      const bad = (over: Record<string, unknown>, report: Record<string, unknown> = {}): string => {
        const err = wireError(() => decodeAgentMessage(message(over, report)));
        expect(err.code).toBe(CloseCode.malformed);
        return err.message;
      };
      expect(bad({ at: 'now' })).toBe('message.at must be a finite number');
      expect(bad({ alerts: null })).toBe('message.alerts must be an object');
      expect(bad({}, { version: 2 })).toBe('message.alerts.version must be 1');
      expect(bad({}, { host: 7 })).toBe('message.alerts.host must be a string');
      expect(bad({}, { rules: 'all' })).toBe('message.alerts.rules must be an array');
      expect(bad({}, { rules: [1] })).toBe('message.alerts.rules[0] must be a string of at most 2000 characters');
      expect(bad({}, { firing: [{ rule: 'process(apache2) absent', since: Infinity, value: '' }] })).toBe('message.alerts.firing[0].since must be a finite number');
      expect(bad({}, { firing: [{ rule: 'process(apache2) absent', since: 1 }] })).toBe('message.alerts.firing[0].value must be a string of at most 2000 characters');
      // A firing alert the agent has no rule for is not an agent's.
      expect(bad({}, { firing: [{ rule: 'rm -rf /', since: 1, value: '' }] })).toBe('message.alerts.firing[0].rule must be one of .rules');
    });

    it('refuses an oversized one instead of cutting it', () => {
      const long = 'x'.repeat(2001);
      const bad = (report: Record<string, unknown>): string => wireError(() => decodeAgentMessage(message({}, report))).message;
      expect(bad({ rules: [long] })).toBe('message.alerts.rules[0] must be a string of at most 2000 characters');
      expect(bad({ rules: ['r'], firing: [{ rule: 'r', since: 1, value: long }] })).toBe('message.alerts.firing[0].value must be a string of at most 2000 characters');
      const many = Array.from({ length: 1001 }, (_, i) => `cpu > ${i}% for 1m`);
      expect(bad({ rules: many, firing: [] })).toBe('message.alerts.rules must be an array of at most 1000 items');
      expect(bad({ firing: many.map((rule) => ({ rule, since: 1, value: '' })) })).toBe('message.alerts.firing must be an array of at most 1000 items');
      // A host name is cut as every other string from an agent is.
      const host = (decodeAgentMessage(message({}, { host: 'h'.repeat(5000) })) as { alerts: { host: string } }).alerts.host;
      expect(host).toHaveLength(MAX_STRING_CHARS);
    });
  });
});

describe('wantsAlerts', () => {
  it('reads the viewer’s ask for alert messages from its upgrade path', () => {
    expect(wantsAlerts('/?alerts=1')).toBe(true);
    expect(wantsAlerts('/?x=2&alerts=1')).toBe(true);
    expect(wantsAlerts('/')).toBe(false);
    expect(wantsAlerts('/?alerts=0')).toBe(false);
    expect(wantsAlerts(undefined)).toBe(false);
  });
});

describe('what a viewer keeps of a hostile agent’s sample', () => {
  it(`cuts processes to ${MAX_WIRE_PROCESSES}, command lines to ${MAX_CMD_CHARS} characters, other strings to ${MAX_STRING_CHARS}`, () => {
    const processes = Array.from({ length: 4000 }, (_, k) => makeProcess({ pid: k + 1, name: 'n'.repeat(5000), cmd: `c${k} ${'x'.repeat(2048)}`, user: 'u'.repeat(300) }));
    const huge = makeSample({ time: 1_700_000_000_000, processes });
    const kept = validateSample(JSON.parse(JSON.stringify({ ...huge, host: { ...huge.host, hostname: 'h'.repeat(10_000) } })), 'sample');
    expect(kept.processes).toHaveLength(MAX_WIRE_PROCESSES);
    expect(kept.processes[0]?.pid).toBe(1);
    expect(kept.processes[0]?.cmd).toHaveLength(MAX_CMD_CHARS);
    expect(kept.processes[0]?.cmd.startsWith('c0 xxx')).toBe(true);
    expect(kept.processes[0]?.name).toHaveLength(MAX_STRING_CHARS);
    expect(kept.processes[0]?.user).toHaveLength(MAX_STRING_CHARS);
    expect(kept.host.hostname).toHaveLength(MAX_STRING_CHARS);
  });

  it('never cuts a character in half', () => {
    const cmd = `${'x'.repeat(MAX_CMD_CHARS - 1)}😀tail`;
    const kept = validateSample(JSON.parse(JSON.stringify(makeSample({ time: 1, processes: [makeProcess({ pid: 1, name: 'a', cmd })] }))), 'sample');
    expect(kept.processes[0]?.cmd).toBe('x'.repeat(MAX_CMD_CHARS - 1));
  });
});

