import type { Sample } from '../core/sample.js';
import type { AgentMessage } from '../protocol/wire-messages.js';
import { withSelectedProcesses } from '../core/process-selection.js';
import type { Clock } from '../core/clock.js';
import type { WireHistory } from './wire-history.js';

/** A viewer link as the broadcaster sees it (ViewerLink is one). */
export interface BroadcastLink {
  /** Sends the held samples this viewer has not had yet. */
  pushLive(): void;
  send(msg: AgentMessage): void;
  /** Closes the link because the agent stops; resolves once it is closed. */
  shutdown(): Promise<void>;
  /** Cuts the connection at once. */
  terminate(): void;
}

/**
 * The agent's samples and the viewers they go to: each sample's processes are
 * selected for the wire once, the sample kept in the history (its JSON, numbers
 * rounded, made when a viewer first asks for it), and every link is told to
 * send what it has not had yet (each at its own pace, see ViewerLink.pushLive).
 */
export class Broadcaster<L extends BroadcastLink> {
  private readonly links = new Set<L>();

  constructor(
    readonly history: WireHistory,
    /** Processes per sample on the wire. */
    private readonly wireTop: number,
    private readonly log: (line: string) => void,
  ) {}

  get size(): number {
    return this.links.size;
  }

  /** The links, in the order they joined. */
  all(): L[] {
    return [...this.links];
  }

  add(link: L): void {
    this.links.add(link);
  }

  delete(link: L): void {
    this.links.delete(link);
  }

  /** Time of the newest sample pushed out of history: a viewer whose cursor is older has missed samples. */
  newestDroppedTime(): number {
    return this.history.newestDroppedTime;
  }

  /** One new sample from the source. One that is not newer than the last is dropped. */
  publish(raw: Sample): void {
    const sample = withSelectedProcesses(raw, { top: this.wireTop });
    const history = this.history;
    if (!history.push(sample)) {
      this.log(`sample at ${sample.time} is not newer than the last one (${history.timeAt(history.length - 1)}): dropped`);
      return;
    }
    for (const link of this.links) link.pushLive();
  }

  /** Sends `msg` to every viewer. */
  sendAll(msg: AgentMessage): void {
    for (const link of this.links) link.send(msg);
  }

  /** Closes every link, waits up to `graceMs` for them to answer, then cuts the rest. */
  async closeAll(graceMs: number, clock: Clock): Promise<void> {
    const gone = this.all().map((link) => link.shutdown());
    let endGrace = (): void => {};
    const grace = new Promise<void>((resolve) => {
      endGrace = () => resolve();
    });
    // Unref'd and cancelled: a process that is stopping does not wait out the grace once the links are gone.
    const timer = clock.after(graceMs, () => endGrace()).unref();
    await Promise.race([Promise.all(gone), grace]);
    timer.cancel();
    for (const link of this.links) link.terminate();
  }
}
