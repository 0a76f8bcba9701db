import { describe, expect, it } from 'vitest';
import type { AgentMessage } from '../src/protocol/wire-messages.js';
import { Broadcaster, type BroadcastLink } from '../src/transport/broadcaster.js';
import { WireHistory } from '../src/transport/wire-history.js';
import { ManualClock } from './helpers/manual-clock.js';
import { T0, sampleAt } from './fixtures/transport/harness.js';

/** A viewer link that records what the broadcaster asks of it; `polite` ones close when asked to. */
class Link implements BroadcastLink {
  pushes = 0;
  readonly sent: AgentMessage[] = [];
  terminated = false;
  constructor(private readonly onShutdown: (() => void) | undefined) {}
  pushLive(): void {
    this.pushes++;
  }
  send(msg: AgentMessage): void {
    this.sent.push(msg);
  }
  shutdown(): Promise<void> {
    const close = this.onShutdown;
    if (!close) return new Promise<void>(() => {});
    return Promise.resolve().then(close);
  }
  terminate(): void {
    this.terminated = true;
  }
}

function broadcaster(capacity = 100): { b: Broadcaster<Link>; lines: string[] } {
  const lines: string[] = [];
  return { b: new Broadcaster<Link>(new WireHistory(capacity), 2, (l) => lines.push(l)), lines };
}

describe('Broadcaster', () => {
  it('keeps each sample as prepared for the wire and tells every link to send what it has not had', () => {
    const { b } = broadcaster();
    const links = [new Link(undefined), new Link(undefined)];
    for (const l of links) b.add(l);
    b.publish(sampleAt(0, { processes: 10 }));
    b.publish(sampleAt(1, { processes: 10 }));
    expect(b.history.length).toBe(2);
    expect(b.history.timeAt(1)).toBe(T0 + 1000);
    // Top 2 by CPU and by RSS: fewer than the 10 sampled.
    expect(b.history.at(0)?.processes.length).toBeLessThan(10);
    expect(links.map((l) => l.pushes)).toEqual([2, 2]);
    b.delete(links[0]!);
    b.publish(sampleAt(2));
    expect(links.map((l) => l.pushes)).toEqual([2, 3]);
    expect(b.size).toBe(1);
  });

  it('drops a sample that is not newer than the last, with a log line, and tells no link', () => {
    const { b, lines } = broadcaster();
    const link = new Link(undefined);
    b.add(link);
    b.publish(sampleAt(5));
    b.publish(sampleAt(5));
    b.publish(sampleAt(4));
    expect(b.history.length).toBe(1);
    expect(link.pushes).toBe(1);
    expect(lines).toEqual([
      `sample at ${T0 + 5000} is not newer than the last one (${T0 + 5000}): dropped`,
      `sample at ${T0 + 4000} is not newer than the last one (${T0 + 5000}): dropped`,
    ]);
  });

  it('remembers the newest sample pushed out of the history, so a viewer that fell behind can be told', () => {
    const { b } = broadcaster(3);
    expect(b.newestDroppedTime()).toBe(-Infinity);
    for (let i = 0; i < 5; i++) b.publish(sampleAt(i));
    expect(b.newestDroppedTime()).toBe(T0 + 1000);
  });

  it('sends a message to every link', () => {
    const { b } = broadcaster();
    const links = [new Link(undefined), new Link(undefined)];
    for (const l of links) b.add(l);
    b.sendAll({ type: 'interval', intervalMs: 500 });
    expect(links.map((l) => l.sent)).toEqual([[{ type: 'interval', intervalMs: 500 }], [{ type: 'interval', intervalMs: 500 }]]);
  });

  it('on close, cuts the links that do not answer within the grace, and only those', async () => {
    const clock = new ManualClock();
    const { b } = broadcaster();
    const polite: Link = new Link(() => b.delete(polite));
    const stuck = new Link(undefined);
    b.add(polite);
    b.add(stuck);
    const closing = b.closeAll(1000, clock);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stuck.terminated).toBe(false);
    clock.advance(999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(stuck.terminated).toBe(false);
    clock.advance(1);
    await closing;
    expect(stuck.terminated).toBe(true);
    expect(polite.terminated).toBe(false);
  });

  it('on close, does not wait out the grace when every link answers', async () => {
    const clock = new ManualClock();
    const { b } = broadcaster();
    const link: Link = new Link(() => b.delete(link));
    b.add(link);
    await b.closeAll(1000, clock);
    expect(link.terminated).toBe(false);
    expect(clock.pending()).toEqual([]);
  });
});
