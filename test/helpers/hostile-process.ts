import { spawn, type ChildProcess } from 'node:child_process';

/** A comm (15 bytes at most) that would retitle and clear the terminal of whoever prints it raw. */
export const HOSTILE_COMM = '\x1b]0;PWN\x07\x1b[2J';
/** What the sanitizer shows for it: each control character as `?`. */
export const HOSTILE_COMM_SHOWN = '?]0;PWN??[2J';
/** A row a process would forge in the process table if a newline in its argv split the line. */
export const FORGED_ROW = '  31337 root      99.9 99.9  9.9G FORGED-ROW';
/** argv after the interpreter: an escape sequence, a newline and a forged row, a right-to-left override. */
export const HOSTILE_ARGS = ['\x1b]0;PWN\x07\x1b[2J', `x\n${FORGED_ROW}`, '\u202egnp.exe'];
/** A comm that is a spreadsheet formula (DDE), exactly 15 bytes. */
export const FORMULA_COMM = "=cmd|' /C calc'";

export interface HostileProcess {
  child: ChildProcess;
  pid: number;
  kill(): void;
}

/**
 * A real python3 process that names itself `comm` (prctl PR_SET_NAME, as any
 * user may), runs with `args` in its command line, touches `mb` megabytes and
 * keeps them `holdMs` (then exits), burning CPU the whole time when `burn`.
 * Resolves once it has renamed itself and allocated.
 */
export async function startHostileProcess(opts: { comm: string; args: readonly string[]; mb?: number; holdMs?: number; burn?: boolean }): Promise<HostileProcess> {
  const script = `
import ctypes, sys, time
ctypes.CDLL(None).prctl(15, ${JSON.stringify(opts.comm)}.encode(), 0, 0, 0)
held = b'\\x01' * (${opts.mb ?? 0} * 1024 * 1024)
sys.stdout.write('ready\\n')
sys.stdout.flush()
end = time.time() + ${(opts.holdMs ?? 60_000) / 1000}
while time.time() < end:
    if not ${opts.burn === true ? 'True' : 'False'}:
        time.sleep(0.05)
`;
  // `python3 -` reads the script from stdin, so the command line is exactly `python3 - ARGS`.
  const child = spawn('python3', ['-', ...opts.args], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin?.end(script);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the hostile process did not start')), 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the hostile process exited early (${code})`));
    });
  });
  return { child, pid: child.pid ?? 0, kill: () => child.kill('SIGKILL') };
}
