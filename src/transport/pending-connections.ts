import type { Socket } from 'node:net';
import { realClock, type Clock, type Timer } from '../core/clock.js';

export interface PendingLimits {
  /** How long a connection may take from TCP accept to an accepted WebSocket upgrade. */
  deadlineMs: number;
  /** Connections from one address that are not viewers yet; more are closed at once. */
  maxPerAddress: number;
  /** Such connections from all addresses together. */
  maxTotal: number;
}

/** Why a pending connection was closed, for the agent's log. */
export type PendingDrop = 'deadline' | 'per-address' | 'total';

function keyOf(s: { remoteAddress?: string | undefined; remotePort?: number | undefined }): string {
  return `${s.remoteAddress ?? '?'}|${s.remotePort ?? '?'}`;
}

/**
 * The agent's TCP connections that are not viewers yet: each gets a hard
 * deadline from accept, and again from each answer it is sent, to complete a
 * request (Node's own header timeout only bites at its 30 s sweep), and one
 * address can hold only a few, so idle or half-sent requests cannot fill the
 * places real viewers need. A connection leaves when it closes
 * or its upgrade is accepted (`settle`, by address and port, so the TLS socket
 * of an https server finds its TCP one).
 */
export class PendingConnections {
  private readonly pending = new Map<string, { socket: Socket; timer: Timer }>();
  private readonly perAddress = new Map<string, number>();

  constructor(
    private readonly limits: PendingLimits,
    private readonly onDrop: (address: string, why: PendingDrop) => void,
    private readonly clock: Clock = realClock,
  ) {}

  get size(): number {
    return this.pending.size;
  }

  add(socket: Socket): void {
    const address = socket.remoteAddress ?? '?';
    const fromAddress = this.perAddress.get(address) ?? 0;
    const full: PendingDrop | null = fromAddress >= this.limits.maxPerAddress ? 'per-address' : this.pending.size >= this.limits.maxTotal ? 'total' : null;
    if (full) {
      socket.destroy();
      this.onDrop(address, full);
      return;
    }
    this.pending.set(keyOf(socket), { socket, timer: this.deadline(socket) });
    this.perAddress.set(address, fromAddress + 1);
    socket.once('close', () => this.settle(socket));
  }

  /** A request on it is complete and being answered: the deadline waits for the answer. */
  asking(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): void {
    this.pending.get(keyOf(socket))?.timer.cancel();
  }

  /**
   * Its answer is out: a kept-alive connection gets a new deadline from now for its next request,
   * so a scraper reusing it is not cut mid-request by the clock of its first one.
   */
  answered(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): void {
    const entry = this.pending.get(keyOf(socket));
    if (!entry) return;
    entry.timer.cancel();
    entry.timer = this.deadline(entry.socket);
  }

  private deadline(socket: Socket): Timer {
    return this.clock
      .after(this.limits.deadlineMs, () => {
        socket.destroy();
        this.onDrop(socket.remoteAddress ?? '?', 'deadline');
      })
      .unref();
  }

  /** The connection became a viewer, or closed: it no longer counts and keeps no deadline. */
  settle(socket: { remoteAddress?: string | undefined; remotePort?: number | undefined }): void {
    const key = keyOf(socket);
    const entry = this.pending.get(key);
    if (!entry) return;
    entry.timer.cancel();
    this.pending.delete(key);
    const address = entry.socket.remoteAddress ?? '?';
    const left = (this.perAddress.get(address) ?? 1) - 1;
    if (left > 0) this.perAddress.set(address, left);
    else this.perAddress.delete(address);
  }
}
