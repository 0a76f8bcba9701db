import type { ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { FilesystemWatch } from '../src/collect/filesystems.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { freePort, startSmtpSink, startWebhookSink, waitFor } from './helpers/notify-sinks.js';
import { killed, startNamed as startNamedIn } from './helpers/named-process.js';
import { TMON_BIN, runCli } from './helpers/run-cli.js';
import { TmuxSession } from './helpers/tmux.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tmon-alerts-e2e-'));
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const startNamed = (name: string): ChildProcess => startNamedIn(dir, name, cleanups);

async function agent(args: string[], env: NodeJS.ProcessEnv = {}): ReturnType<typeof startAgentProcess> {
  const a = await startAgentProcess(args, env);
  cleanups.push(() => a.stop());
  return a;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('alerts on a real tmon agent', () => {
  it('mails, posts and runs exec: when a process dies, says nothing more after a restart, and resolves when it is back', async () => {
    const name = `tmw${process.pid % 100000}a`;
    const smtp = await startSmtpSink();
    cleanups.push(() => smtp.close());
    const hook = await startWebhookSink();
    cleanups.push(() => hook.close());
    const envFile = path.join(dir, 'exec-env.txt');
    const script = path.join(dir, 'notify.sh');
    writeFileSync(script, `#!/bin/sh\nenv | grep '^TMON_ALERT_' >> '${envFile}'\necho --- >> '${envFile}'\n`);
    chmodSync(script, 0o755);
    const rule = `process(${name}) absent for 1s`;
    // The webhook comes from the rules file's notify line, the others from --notify.
    const rulesFile = path.join(dir, 'webhook-rules.txt');
    writeFileSync(rulesFile, `# from a file\nnotify ${hook.url}\n${rule}\n`);
    const args = [
      '--alerts',
      rulesFile,
      '--notify',
      `smtp://127.0.0.1:${smtp.port}?from=tmon@test&to=ops@example.com`,
      '--notify',
      `exec:${script}`,
      '--alert-state',
      path.join(dir, 'state-1.json'),
    ];
    let child = startNamed(name);
    const first = await agent(args);
    await waitFor(() => (first.log().includes('1 alert rule(s); notifying smtp://127.0.0.1') ? true : undefined), 10_000, 'the agent to load its rule');
    await sleep(2500);
    expect(smtp.mails).toHaveLength(0);

    await killed(child);
    const firing = await waitFor(() => smtp.mails[0], 20_000, 'the firing mail');
    expect(firing.raw).toContain(`FIRING ${rule}`);
    expect(firing.raw).toContain(`value:  0 processes matching ${name}`);
    await waitFor(() => (hook.hooks.length > 0 ? true : undefined), 10_000, 'the webhook');
    expect(hook.hooks[0]?.body).toMatchObject({ kind: 'firing', rule });
    // Read once the program has finished writing (its last line).
    const env = await waitFor(() => (existsSync(envFile) && readFileSync(envFile, 'utf8').includes('---') ? readFileSync(envFile, 'utf8') : undefined), 10_000, 'the exec: program');
    expect(env).toContain(`TMON_ALERT_RULE=${rule}`);

    const listed = await runCli(['alerts', `127.0.0.1:${first.port}`]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`: FIRING since \\d{4}-\\d\\d-\\d\\d [\\d:]{8} \\(.+\\)  ${rule.replace(/[()]/g, '\\$&')}  \\(0 processes matching ${name}\\)\n$`));
    const json = JSON.parse((await runCli(['alerts', `127.0.0.1:${first.port}`, '--json'])).stdout) as { rules: string[]; firing: { rule: string }[] };
    expect(json).toMatchObject({ version: 1, rules: [rule], firing: [{ rule }] });

    // Restarted while the process is still gone: the alert keeps firing and nobody is told again.
    expect(await first.stop()).toBe(0);
    const second = await agent(args);
    await waitFor(() => (second.log().includes('alert rule(s)') ? true : undefined), 10_000, 'the restarted agent');
    await sleep(4000);
    expect(smtp.mails).toHaveLength(1);
    expect(hook.hooks).toHaveLength(1);

    child = startNamed(name);
    const resolved = await waitFor(() => smtp.mails[1], 20_000, 'the resolved mail');
    expect(resolved.raw).toContain(`RESOLVED ${rule}`);
    // The resolved message names the process that is back, with its pid, first among the top processes.
    expect(resolved.raw).toMatch(new RegExp(`top processes:\\r?\\n +${child.pid} .* ${name}`));
    expect(second.log()).toContain(`alert resolved: ${rule}`);
    expect((await runCli(['alerts', `127.0.0.1:${second.port}`])).stdout).toMatch(/: no alert firing \(1 rule\)\n$/);
  }, 90_000);

  it('retries while the mail server is down, across an agent restart, and delivers the firing alert once', async () => {
    const name = `tmw${process.pid % 100000}b`;
    const port = await freePort();
    const args = ['--alert', `process(${name}) absent`, '--notify', `smtp://ops:pw@127.0.0.1:${port}?to=ops@example.com&starttls=no`, '--alert-state', path.join(dir, 'state-2.json')];
    const first = await agent(args);
    await waitFor(() => (/alert notification to smtp:\/\/ops:\*\*\*@127\.0\.0\.1:\d+.* failed/.test(first.log()) ? true : undefined), 20_000, 'a failed send');
    expect(first.log()).not.toContain('ops:pw');
    expect(await first.stop()).toBe(0);

    const smtp = await startSmtpSink({ port, auth: { user: 'ops', pass: 'pw' } });
    cleanups.push(() => smtp.close());
    const second = await agent(args);
    const mail = await waitFor(() => smtp.mails[0], 20_000, 'the retried mail');
    expect(mail.raw).toContain(`FIRING process(${name}) absent`);
    expect(second.log()).toContain('1 alert notification(s) from before the restart still to send');
    await sleep(3000);
    expect(smtp.mails).toHaveLength(1);
  }, 90_000);

  it('retries while the mail server is down and delivers once it is up, in one run', async () => {
    const name = `tmw${process.pid % 100000}d`;
    const port = await freePort();
    const a = await agent(['--alert', `process(${name}) absent`, '--notify', `smtp://127.0.0.1:${port}?to=ops@example.com`, '--alert-state', path.join(dir, 'state-3.json')]);
    await waitFor(() => (/alert notification to smtp:\/\/127\.0\.0\.1:\d+.* failed/.test(a.log()) ? true : undefined), 20_000, 'a failed send');
    const smtp = await startSmtpSink({ port });
    cleanups.push(() => smtp.close());
    const mail = await waitFor(() => smtp.mails[0], 30_000, 'the retried mail');
    expect(mail.raw).toContain(`FIRING process(${name}) absent`);
    // The agent says so once the server's reply reaches it, a moment after the server has the mail.
    await waitFor(() => (/alert notification sent to smtp:\/\/127\.0\.0\.1:\d+\S* after \d+ failed attempt\(s\)/.test(a.log()) ? true : undefined), 10_000, 'the agent to log the delivery');
  }, 60_000);

  it('sends a test message with tmon alert test, and refuses a rule that does not parse in one line', async () => {
    const hook = await startWebhookSink();
    cleanups.push(() => hook.close());
    const sent = await runCli(['alert', 'test', '--notify', hook.url]);
    expect(sent.stdout).toBe(`sent to ${hook.url}\n`);
    expect(sent.code).toBe(0);
    expect(hook.hooks[0]?.body).toMatchObject({ kind: 'test', rule: 'tmon alert test' });

    const down = await runCli(['alert', 'test', '--notify', `http://u:secret@127.0.0.1:${await freePort()}/x`]);
    expect(down.code).toBe(1);
    expect(down.stdout).toMatch(/^not sent to http:\/\/u:\*\*\*@127\.0\.0\.1:\d+\/x: /);

    const bad = await runCli(['agent', '--listen', '127.0.0.1:0', '--alert', 'memory >> 90%']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe("tmon: --alert 'memory >> 90%' column 9: expected a size such as 1GiB or 500M, or a percentage such as 10%, got '>'\n");

    const file = path.join(dir, 'rules.txt');
    writeFileSync(file, '# rules\ncpu > 95% for 5m\nprobe(tcp://127.0.0.1:1) down\n');
    const fromFile = await runCli(['agent', '--listen', '127.0.0.1:0', '--alerts', file]);
    // A probe rule on a target the agent does not probe would never fire.
    expect(fromFile.code).toBe(2);
    expect(fromFile.stderr).toBe("tmon: alert 'probe(tcp://127.0.0.1:1) down' watches tcp://127.0.0.1:1, which no --probe names: add --probe tcp://127.0.0.1:1\n");

    writeFileSync(file, 'cpu > 95% for 5m\nnotify ftp://u:secret@x/\n');
    const badNotify = await runCli(['agent', '--listen', '127.0.0.1:0', '--alerts', file]);
    expect(badNotify.stderr).toBe(`tmon: --alerts ${file} line 2: notify ftp://u:***@x/: use smtp://, smtps://, https://, http:// or exec:/path\n`);
  }, 60_000);

  it('shows a firing alert in the local dashboard’s status bar, and stores it in the dashboard’s --record file', async () => {
    const name = `tmw${process.pid % 100000}c`;
    const file = path.join(dir, 'dashboard.tmon');
    const tmux = new TmuxSession(160, 40);
    cleanups.push(() => tmux.kill());
    tmux.start(`${process.execPath} ${TMON_BIN} --alert 'process(${name}) absent' --alert-state ${path.join(dir, 'dashboard.json')} --record ${file}`);
    const screen = await tmux.waitFor((s) => s.includes(`ALERT process(${name}) absent`), 20_000);
    expect(screen).toMatch(/PID/);
    tmux.keys('q');
    expect(await tmux.waitFor((s) => /EXIT:\d+/.test(s))).toMatch(/EXIT:0/);
    const listed = await runCli(['alerts', file]);
    expect(listed.stdout).toMatch(new RegExp(`^\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d FIRING process\\(${name}\\) absent \\(0 processes matching ${name}\\)`));
  }, 60_000);

  it('keeps each agent’s alert state apart by default: two agents on one machine, no --store, one file per listen address', async () => {
    const state = path.join(dir, 'xdg-state');
    const name = `tmw${process.pid % 100000}t`;
    const ports = [await freePort(), await freePort()];
    const agents = [];
    for (const port of ports) agents.push(await agent(['--listen', `127.0.0.1:${port}`, '--alert', `process(${name}) absent`], { XDG_STATE_HOME: state }));
    for (const a of agents) await waitFor(() => (a.log().includes('alert firing') ? true : undefined), 20_000, 'the alert to fire');
    const files = ports.map((p) => path.join(state, 'tmon', `agent-127.0.0.1-${p}-alert-state.json`));
    for (const f of files) await waitFor(() => (existsSync(f) && readFileSync(f, 'utf8').includes(name) ? true : undefined), 10_000, `${f} to hold the firing rule`);
    expect(existsSync(path.join(state, 'tmon', 'alert-state.json'))).toBe(false);
  }, 60_000);

  it('fires disk_free on a real mount when the threshold is above its free space', async () => {
    const watch = new FilesystemWatch('/proc/mounts');
    await watch.refresh(Date.now(), 5000);
    const mount = watch.current[0]?.mount;
    if (mount === undefined) throw new Error('no filesystem reported on this machine');
    const out = path.join(dir, 'disk-env.txt');
    const script = path.join(dir, 'disk.sh');
    writeFileSync(script, `#!/bin/sh\nenv | grep '^TMON_ALERT_' > '${out}.tmp' && mv '${out}.tmp' '${out}'\n`);
    chmodSync(script, 0o755);
    const rule = `disk_free(${mount}) < 1000000TiB for 1s`;
    await agent(['--alert', rule, '--notify', `exec:${script}`, '--alert-state', path.join(dir, 'state-disk.json')]);
    const env = await waitFor(() => (existsSync(out) ? readFileSync(out, 'utf8') : undefined), 30_000, 'the disk alert');
    expect(env).toContain(`TMON_ALERT_RULE=${rule}`);
    expect(env).toMatch(new RegExp(`^TMON_ALERT_VALUE=${mount.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} free \\S+ \\([\\d.]+%\\)$`, 'm'));
  }, 60_000);
});
