import { execFileSync } from 'node:child_process';

/**
 * A real pseudo-terminal through tmux: start a command in a detached session
 * of a given size, read the screen as a person would see it, send keys.
 */
export class TmuxSession {
  private readonly socket = `tmon-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  constructor(
    readonly cols: number,
    readonly rows: number,
  ) {}

  private tmux(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** `command` runs under sh; its exit code is printed as `EXIT:<code>` and the pane then stays open. */
  start(command: string, env: Record<string, string> = {}): void {
    const exports = Object.entries(env)
      .map(([k, v]) => `export ${k}='${v}';`)
      .join(' ');
    this.tmux(
      'new-session', '-d', '-x', String(this.cols), '-y', String(this.rows),
      `${exports} ${command}; echo EXIT:$?; sleep 600`,
    );
  }

  screen(): string {
    return this.tmux('capture-pane', '-p');
  }

  /** The screen with its escape sequences (colors, attributes) kept. */
  rawScreen(): string {
    return this.tmux('capture-pane', '-p', '-e');
  }

  keys(...keys: string[]): void {
    this.tmux('send-keys', ...keys);
  }

  /** The pid of the command running in the pane's shell (the first child of the pane's sh). */
  panePid(): number {
    return Number(this.tmux('display-message', '-p', '#{pane_pid}').trim());
  }

  async waitFor(predicate: (screen: string) => boolean, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = this.screen();
      if (predicate(last)) return last;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for the screen; last screen:\n${last}`);
  }

  kill(): void {
    try {
      this.tmux('kill-server');
    } catch {
      // already gone
    }
  }
}
