import { afterEach, describe, expect, it, vi } from 'vitest';
import { Heartbeat, PeerHeartbeat, type Beating, type HeartbeatPeer } from '../src/transport/heartbeat.js';
import { ManualClock } from './helpers/manual-clock.js';

/** A viewer's connection as the heartbeat sees it; `answers` says whether it pongs each ping. */
class Peer implements HeartbeatPeer {
  bufferedAmount = 0;
  readonly pings: Buffer[] = [];
  terminated = false;
  beat: PeerHeartbeat | undefined;

  constructor(private readonly answers: boolean) {}

  ping(nonce: Buffer): void {
    this.pings.push(nonce);
    if (this.answers) this.beat?.pong(nonce);
  }

  terminate(): void {
    this.terminated = true;
  }
}

function peerWith(answers: boolean, maxBuffered = 1000): { peer: Peer; beat: PeerHeartbeat } {
  const peer = new Peer(answers);
  const beat = new PeerHeartbeat(peer, maxBuffered);
  peer.beat = beat;
  return { peer, beat };
}

describe('PeerHeartbeat', () => {
  it('pings with a fresh nonce at every beat while each ping is answered', () => {
    const { peer, beat } = peerWith(true);
    for (let i = 0; i < 5; i++) expect(beat.beat()).toBeNull();
    expect(peer.pings).toHaveLength(5);
    expect(new Set(peer.pings.map((p) => p.toString('hex'))).size).toBe(5);
    expect(peer.terminated).toBe(false);
  });

  it('drops a viewer that did not answer the last ping, or answered with another payload', () => {
    const silent = peerWith(false);
    expect(silent.beat.beat()).toBeNull();
    expect(silent.beat.beat()).toBe('did not answer the heartbeat');
    expect(silent.peer.terminated).toBe(true);

    const forged = peerWith(false);
    expect(forged.beat.beat()).toBeNull();
    forged.beat.pong(Buffer.from('not-it!!'));
    expect(forged.beat.beat()).toBe('did not answer the heartbeat');
  });

  it('drops a viewer whose send buffer stays over its bound for a whole heartbeat, not one that drains between beats', () => {
    const { peer, beat } = peerWith(true, 1000);
    peer.bufferedAmount = 2000;
    expect(beat.beat()).toBeNull();
    peer.bufferedAmount = 0;
    expect(beat.beat()).toBeNull();
    peer.bufferedAmount = 2000;
    expect(beat.beat()).toBeNull();
    expect(peer.terminated).toBe(false);
    expect(beat.beat()).toBe('has not read for a heartbeat (2000 bytes unsent)');
    expect(peer.terminated).toBe(true);
  });
});

/** A viewer link as the agent keeps it: a name and the heartbeat of its connection. */
function link(name: string, answers: boolean): Beating & { peer: Peer } {
  const { peer, beat } = peerWith(answers);
  return { name, peer, heartbeat: () => (peer.terminated ? null : beat.beat()) };
}

describe('Heartbeat', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('beats every link each everyMs on its clock, housekeeping first; a silent viewer is dropped at its second beat, the others stay', () => {
    const clock = new ManualClock(1_000_000);
    const honest = link('honest', true);
    const silent = link('silent', false);
    const events: string[] = [];
    const heartbeat = new Heartbeat({
      everyMs: 15_000,
      links: () => [honest, silent],
      onDrop: (l, why) => events.push(`${l.name} ${why}`),
      onBeat: (now) => events.push(`beat at ${now - 1_000_000}`),
      clock,
    });
    clock.advance(14_999);
    expect(events).toEqual([]);
    clock.advance(1);
    expect(events).toEqual(['beat at 15000']);
    clock.advance(15_000);
    expect(events).toEqual(['beat at 15000', 'beat at 30000', 'silent did not answer the heartbeat']);
    clock.advance(15_000 * 10);
    expect(honest.peer.pings).toHaveLength(12);
    expect(honest.peer.terminated).toBe(false);
    expect(silent.peer.terminated).toBe(true);
    heartbeat.stop();
    clock.advance(60_000);
    expect(honest.peer.pings).toHaveLength(12);
    expect(clock.pending()).toEqual([]);
  });

  it('runs on real timers by default (vitest fake timers drive it)', () => {
    vi.useFakeTimers();
    const silent = link('silent', false);
    const dropped: string[] = [];
    const heartbeat = new Heartbeat({ everyMs: 1000, links: () => [silent], onDrop: (l) => dropped.push(l.name) });
    vi.advanceTimersByTime(1999);
    expect(dropped).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(dropped).toEqual(['silent']);
    heartbeat.stop();
  });
});
