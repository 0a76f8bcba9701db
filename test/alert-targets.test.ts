import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRule } from '../src/analysis/alert-rules.js';
import { AlertEvaluator } from '../src/analysis/alert-state.js';
import { outgoing } from '../src/commands/alerting.js';
import { maskUrl, parseNotifyUrl, sendTo, type OutgoingMessage } from '../src/transport/alert-targets.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';
import { startSmtpSink, startWebhookSink } from './helpers/notify-sinks.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tmon-alert-targets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A real firing notice: memory over 50 % with `hog` the biggest process (name with an escape in it). */
function firingMessage(): OutgoingMessage {
  const hog = makeProcess({ pid: 4242, name: 'hog\x1b[31m', rss: 5 * 1024 ** 3 });
  const ev = new AlertEvaluator([parseRule('memory > 50%')]);
  const [notice] = ev.push(makeSample({ time: Date.UTC(2026, 10, 30, 6, 0), memUsed: 6 * 1024 ** 3, processes: [hog] }));
  if (!notice) throw new Error('the rule did not fire');
  return outgoing(notice);
}

describe('parseNotifyUrl and maskUrl', () => {
  it('reads smtp, smtps, webhooks and exec, with the defaults they need', () => {
    expect(parseNotifyUrl('smtp://u%40x:p%3Ass@mail.example.com:2525?from=tmon@db1&to=a@x,b@x', 'db1')).toMatchObject({
      kind: 'smtp',
      host: 'mail.example.com',
      port: 2525,
      secure: false,
      user: 'u@x',
      pass: 'p:ss',
      from: 'tmon@db1',
      to: ['a@x', 'b@x'],
    });
    expect(parseNotifyUrl('smtps://mail.example.com?to=ops@x', 'db1')).toMatchObject({ port: 465, secure: true, from: 'tmon@db1' });
    expect(parseNotifyUrl('smtp://mail.example.com?to=ops@x', 'db1')).toMatchObject({ port: 587, secure: false, requireTls: false });
    expect(parseNotifyUrl('https://bob:pw@ntfy.example.com/alerts', 'db1')).toEqual({
      kind: 'webhook',
      url: 'https://bob:pw@ntfy.example.com/alerts',
      endpoint: 'https://ntfy.example.com/alerts',
      user: 'bob',
      pass: 'pw',
    });
    expect(parseNotifyUrl('exec:/usr/local/bin/page-me', 'db1')).toEqual({ kind: 'exec', url: 'exec:/usr/local/bin/page-me', path: '/usr/local/bin/page-me' });
  });

  it('refuses what it cannot send to, in one line that never shows the password', () => {
    expect(() => parseNotifyUrl('smtp://u:secret@mail.example.com', 'h')).toThrow('--notify smtp://u:***@mail.example.com: name the recipient, e.g. smtp://mail.example.com?to=ops@example.com');
    expect(() => parseNotifyUrl('ftp://u:secret@x/', 'h')).toThrow('--notify ftp://u:***@x/: use smtp://, smtps://, https://, http:// or exec:/path');
    expect(() => parseNotifyUrl('exec:page-me', 'h')).toThrow(/exec: takes an absolute path/);
    expect(() => parseNotifyUrl('mail.example.com', 'h')).toThrow(/is not a URL/);
  });

  it('masks passwords and secret-looking query values', () => {
    expect(maskUrl('smtp://ops:hunter2@mail.example.com:587?to=a@x')).toBe('smtp://ops:***@mail.example.com:587?to=a@x');
    expect(maskUrl('https://hooks.example.com/x?token=abc&room=7')).toBe('https://hooks.example.com/x?token=***&room=***');
    expect(maskUrl('https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX')).toBe('https://hooks.slack.com/services/***');
    expect(maskUrl('https://discord.com/api/webhooks/123/tok3n')).toBe('https://discord.com/api/***');
    expect(maskUrl('smtp://ops@mail.example.com:587?to=a@x&from=b@x')).toBe('smtp://ops@mail.example.com:587?to=a@x&from=b@x');
    expect(maskUrl('exec:/usr/bin/x')).toBe('exec:/usr/bin/x');
    expect(maskUrl('smtp://ops:hun ter2@[bad')).not.toContain('hunter2');
  });
});

describe('sending', () => {
  it('mails through a real SMTP server with auth: the host, the rule, the value and the top process, names sanitised', async () => {
    const smtp = await startSmtpSink({ auth: { user: 'ops', pass: 's3cret' } });
    try {
      // The sink offers no STARTTLS: a password goes in clear only when the URL says so.
      const target = parseNotifyUrl(`smtp://ops:s3cret@127.0.0.1:${smtp.port}?from=tmon@testhost&to=oncall@example.com&starttls=no`, 'testhost');
      await sendTo(target, firingMessage());
      expect(smtp.mails).toHaveLength(1);
      const mail = smtp.mails[0];
      expect(mail).toMatchObject({ from: 'tmon@testhost', to: ['oncall@example.com'], user: 'ops' });
      expect(mail?.raw).toContain('Subject: [tmon] testhost: FIRING memory > 50%');
      expect(mail?.raw).toContain('value:  memory 75.0% (6.0G of 8.0G)');
      expect(mail?.raw).toMatch(/4242 .* hog\?\[31m/);
      expect(mail?.raw).not.toContain('\x1b');
      const wrong = parseNotifyUrl(`smtp://ops:wrong@127.0.0.1:${smtp.port}?to=oncall@example.com`, 'testhost');
      await expect(sendTo(wrong, firingMessage())).rejects.toThrow();
      // A server that offers no STARTTLS gets nothing when TLS is required.
      const tlsOnly = parseNotifyUrl(`smtp://ops:s3cret@127.0.0.1:${smtp.port}?to=oncall@example.com&starttls=require`, 'testhost');
      await expect(sendTo(tlsOnly, firingMessage())).rejects.toThrow(/STARTTLS/i);
      // With a password and no word on STARTTLS it is required too: the password is never sent in clear.
      const withPassword = parseNotifyUrl(`smtp://ops:s3cret@127.0.0.1:${smtp.port}?to=oncall@example.com`, 'testhost');
      await expect(sendTo(withPassword, firingMessage())).rejects.toThrow(/STARTTLS/i);
      expect(smtp.mails).toHaveLength(1);
    } finally {
      await smtp.close();
    }
  });

  it('posts JSON to a real HTTP server, with basic auth from the URL; a 500 is a failure', async () => {
    let status = 200;
    const hook = await startWebhookSink(() => status);
    try {
      const target = parseNotifyUrl(hook.url.replace('http://', 'http://bob:pw@'), 'testhost');
      await sendTo(target, firingMessage());
      expect(hook.hooks).toHaveLength(1);
      const got = hook.hooks[0];
      expect(got?.headers['authorization']).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`);
      expect(got?.headers['title']).toBe('[tmon] testhost: FIRING memory > 50%');
      expect(got?.body).toMatchObject({ source: 'tmon', kind: 'firing', host: 'testhost', rule: 'memory > 50%', top: [{ pid: 4242, name: 'hog?[31m' }] });
      status = 500;
      await expect(sendTo(target, firingMessage())).rejects.toThrow('HTTP 500');
    } finally {
      await hook.close();
    }
  });

  it('runs exec: with no arguments and no shell, the values only in TMON_ALERT_* variables', async () => {
    const out = path.join(dir, 'env.txt');
    const script = path.join(dir, 'page-me.sh');
    writeFileSync(script, `#!/bin/sh\necho "args=$#" > '${out}'\nenv | grep '^TMON_ALERT_' | sort >> '${out}'\n`);
    chmodSync(script, 0o755);
    await sendTo(parseNotifyUrl(`exec:${script}`, 'testhost'), firingMessage());
    const env = readFileSync(out, 'utf8');
    expect(env).toMatch(/^args=0$/m);
    expect(env).toMatch(/^TMON_ALERT_RULE=memory > 50%$/m);
    expect(env).toMatch(/^TMON_ALERT_KIND=firing$/m);
    expect(env).toMatch(/^TMON_ALERT_TOP_PID=4242$/m);
    const failing = path.join(dir, 'fail.sh');
    writeFileSync(failing, '#!/bin/sh\nexit 3\n');
    chmodSync(failing, 0o755);
    await expect(sendTo(parseNotifyUrl(`exec:${failing}`, 'h'), firingMessage())).rejects.toThrow('exited with 3');
    await expect(sendTo(parseNotifyUrl(`exec:${dir}/missing`, 'h'), firingMessage())).rejects.toThrow(/ENOENT/);
  });
});
