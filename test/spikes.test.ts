import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikePath } from '../src/commands/spikes.js';
import { startAgent, type RunningAgent } from '../src/transport/agent-server.js';
import { ScriptedSource, sampleAt, waitFor } from './fixtures/transport/harness.js';
import { runCli } from './helpers/run-cli.js';

describe('tmon spikes: which argument is an agent', () => {
  it('reads ws:// and wss:// URLs as agents, paths and recordings as files', () => {
    expect(looksLikePath('wss://db1:7654')).toBe(false);
    expect(looksLikePath('ws://127.0.0.1:7654/')).toBe(false);
    expect(looksLikePath('db1:7654')).toBe(false);
    expect(looksLikePath('night.tmon')).toBe(true);
    expect(looksLikePath('/var/lib/tmon')).toBe(true);
  });

  describe('against a real agent', () => {
    const source = new ScriptedSource();
    let agent: RunningAgent;
    beforeAll(async () => {
      agent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 } });
      for (let i = 0; i < 5; i++) source.push(sampleAt(i));
      await waitFor('the samples', () => agent.stats().historySamples === 5);
    });
    afterAll(() => agent.close());

    it('connects to ws://HOST:PORT instead of looking for a file of that name', async () => {
      const r = await runCli(['spikes', `ws://127.0.0.1:${agent.address.port}`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    });

    it('a wss:// URL asks for TLS: against a plain agent it says so, not "no such file"', async () => {
      const r = await runCli(['spikes', `wss://127.0.0.1:${agent.address.port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/TLS handshake with 127\.0\.0\.1:\d+ failed: the agent is not using TLS/);
    });
  });
});
