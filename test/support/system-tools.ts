/**
 * What the suite needs from the system besides Node: tmux (a real pseudo-terminal
 * for the built tmon), python3 (a memory-spike generator that frees at once),
 * openssl (TLS certificates), procps (ps, pgrep), prometheus (promtool checks /metrics; a real server scrapes an agent), chromium (the browser page) and iputils-ping (ping probes). Run once before the tests (vitest globalSetup): what
 * is missing is installed with apt-get when the suite runs as root on Debian (CI),
 * else the run stops with one line naming it.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface SystemTool {
  command: string;
  /** The Debian package that brings it. */
  pkg: string;
}

export const SYSTEM_TOOLS: readonly SystemTool[] = [
  { command: 'tmux', pkg: 'tmux' },
  { command: 'python3', pkg: 'python3' },
  { command: 'openssl', pkg: 'openssl' },
  { command: 'ps', pkg: 'procps' },
  { command: 'pgrep', pkg: 'procps' },
  { command: 'promtool', pkg: 'prometheus' },
  { command: 'prometheus', pkg: 'prometheus' },
  // The browser page's test drives Debian's chromium with puppeteer-core (no browser download).
  { command: 'chromium', pkg: 'chromium' },
  { command: 'ping', pkg: 'iputils-ping' },
];

/** What every Debian has (bash, coreutils, apt) or comes with Node: never installed here. */
export const BASE_COMMANDS: readonly string[] = ['apt-get', 'bash', 'sh', 'sleep', 'mkfifo', 'node', 'npm', 'npx'];

/** The tools `onPath` does not find. Pure. */
export function missingTools(onPath: (command: string) => boolean, tools: readonly SystemTool[] = SYSTEM_TOOLS): SystemTool[] {
  return tools.filter((t) => !onPath(t.command));
}

/** The packages that bring `missing`, each once, in order. Pure. */
export function packagesFor(missing: readonly SystemTool[]): string[] {
  return [...new Set(missing.map((t) => t.pkg))];
}

function onPath(command: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' }).status === 0;
}

export default function installMissingTools(): void {
  const absent = missingTools(onPath);
  if (absent.length === 0) return;
  const pkgs = packagesFor(absent);
  const hint = `the tests need ${pkgs.join(', ')}: install ${pkgs.length === 1 ? 'it' : 'them'} (apt-get install -y ${pkgs.join(' ')})`;
  if (process.getuid?.() !== 0 || !onPath('apt-get')) throw new Error(hint);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  } catch {
    throw new Error(`${hint}; apt-get could not`);
  }
  const still = missingTools(onPath);
  if (still.length > 0) throw new Error(`${hint}; still missing after apt-get: ${still.map((t) => t.command).join(', ')}`);
}
