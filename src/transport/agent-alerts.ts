import http from 'node:http';
import https from 'node:https';
import { UserError } from '../core/errors.js';
import type { AlertsReport } from '../protocol/alerts-report.js';
import { decodeAlertsReport } from '../protocol/wire-decode.js';
import { describeFailure } from './link-state.js';
import type { RemoteTarget } from './remote-target.js';

/** An /alerts answer is a few KB; this bounds a wrong port's stream. */
const MAX_BODY = 1024 * 1024;
const TIMEOUT_MS = 10_000;

/** GET /alerts of an agent with the viewers' token; every failure one line saying what to do. */
export function fetchAgentAlerts(target: RemoteTarget, opts: { token?: string; ca?: string | Buffer }): Promise<AlertsReport> {
  const get = target.tls ? https.get : http.get;
  const headers = opts.token !== undefined ? { authorization: `Bearer ${opts.token}` } : {};
  return new Promise((resolve, reject) => {
    const req = get(
      { host: target.host, port: target.port, path: '/alerts', headers, timeout: TIMEOUT_MS, ...(opts.ca ? { ca: opts.ca } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) req.destroy(new UserError(`${target.label} answered more than ${MAX_BODY} bytes at /alerts: is that a tmon agent?`));
          else chunks.push(c);
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 401) return reject(new UserError(describeFailure(target, { kind: 'http', status, body: '' }, false).message));
          if (status === 426) return reject(new UserError(`${target.label} evaluates no alert rules (start it with --alert RULE or --alerts FILE)`));
          if (status !== 200) return reject(new UserError(`${target.label} answered HTTP ${status} at /alerts: is that a tmon agent of this version?`));
          let report: AlertsReport | null = null;
          try {
            report = decodeAlertsReport(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            report = null;
          }
          if (report === null) return reject(new UserError(`${target.label} sent something that is not an alerts report at /alerts`));
          resolve(report);
        });
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err instanceof UserError) return reject(err);
      reject(new UserError(describeFailure(target, { kind: 'socket', code: err.code, message: err.message }, false).message));
    });
  });
}
