import { describe, expect, it } from 'vitest';
import { RuleSyntaxError, parseRule, parseRuleLines, ruleErrorLine } from '../src/analysis/alert-rules.js';

/** The column and problem of a rule that must not parse. */
function mistake(text: string): { column: number; problem: string } {
  try {
    parseRule(text);
  } catch (err) {
    if (err instanceof RuleSyntaxError) return { column: err.column, problem: err.problem };
    throw err;
  }
  throw new Error(`'${text}' parsed`);
}

describe('parseRule', () => {
  it('reads the examples of the issue', () => {
    expect(parseRule('disk_free(/) < 1GiB for 2m')).toEqual({
      text: 'disk_free(/) < 1GiB for 2m',
      condition: { kind: 'disk_free', mount: '/', op: '<', threshold: { unit: 'bytes', value: 1024 ** 3 } },
      forMs: 120_000,
    });
    expect(parseRule('process(apache2) absent for 30s').condition).toEqual({ kind: 'process', match: { name: 'apache2' }, op: '==', count: 0, absent: true });
    expect(parseRule('process(/php-fpm.*/) absent for 30s').condition).toMatchObject({ match: { pattern: 'php-fpm.*', flags: '' }, absent: true });
    expect(parseRule('memory > 90% for 30s')).toMatchObject({ condition: { kind: 'memory', op: '>', threshold: { unit: 'percent', value: 90 } }, forMs: 30_000 });
    expect(parseRule('cpu > 95% for 5m')).toMatchObject({ condition: { kind: 'cpu', op: '>', percent: 95 }, forMs: 300_000 });
    expect(parseRule('spike(memory) >= warning')).toEqual({
      text: 'spike(memory) >= warning',
      condition: { kind: 'spike', metric: 'memory', op: '>=', severity: 'warning' },
      forMs: 0,
    });
  });

  it('takes the other forms: sizes, percentages of a mount, counts, pattern flags, tight spacing', () => {
    expect(parseRule('disk_free( /var/lib/docker ) <= 10%').condition).toMatchObject({ mount: '/var/lib/docker', op: '<=', threshold: { unit: 'percent', value: 10 } });
    expect(parseRule('memory>7.5G').condition).toMatchObject({ op: '>', threshold: { unit: 'bytes', value: Math.round(7.5 * 1024 ** 3) } });
    expect(parseRule('process(nginx) < 2 for 1m30s')).toMatchObject({ condition: { op: '<', count: 2, absent: false }, forMs: 90_000 });
    expect(parseRule('process(/(php|fpm)\\/x/i) = 0').condition).toMatchObject({ match: { pattern: '(php|fpm)\\/x', flags: 'i' }, op: '==' });
    expect(parseRule('spike(cpu) == critical').condition).toMatchObject({ metric: 'cpu', op: '==', severity: 'critical' });
    expect(parseRule('spike(latency) >= warning').condition).toMatchObject({ kind: 'spike', metric: 'latency', op: '>=', severity: 'warning' });
    expect(parseRule('spike(latency) >= warning').condition).not.toHaveProperty('target');
    expect(parseRule('spike(latency, tcp://db:5432) >= warning').condition).toEqual({ kind: 'spike', metric: 'latency', target: 'tcp://db:5432', op: '>=', severity: 'warning' });
    // The target is everything after the first comma: a URL's own commas stay in it.
    expect(parseRule('spike( latency ,https://example.com/?a=1,2 ) > notice').condition).toMatchObject({ metric: 'latency', target: 'https://example.com/?a=1,2' });
  });

  it('names the column of each mistake and what stood there', () => {
    expect(mistake('memory >> 90%')).toEqual({ column: 9, problem: "expected a size such as 1GiB or 500M, or a percentage such as 10%, got '>'" });
    expect(mistake('cpu > 95% for 5 minutes')).toEqual({ column: 17, problem: "unexpected 'minutes' after the duration" });
    expect(mistake('cpu > 95% fr 5m')).toEqual({ column: 11, problem: "expected 'for DURATION' or the end of the rule, got 'fr'" });
    expect(mistake('cpu > 95% for soon')).toEqual({ column: 15, problem: "expected a duration such as 30s, 2m or 1h after 'for', got 'soon'" });
    expect(mistake('disk_free(/) < lots')).toMatchObject({ column: 16 });
    expect(mistake('disk(/) < 1G')).toEqual({ column: 1, problem: "expected one of cpu, memory, disk_free, process, spike, probe, got 'disk'" });
    expect(mistake('process(apache2) gone')).toMatchObject({ column: 18, problem: expect.stringContaining("got 'gone'") });
    expect(mistake('process(/php[/) absent')).toEqual({ column: 9, problem: '/php[/ is not a valid regular expression' });
    expect(mistake('process(apache2 absent')).toMatchObject({ column: 23, problem: "expected ')' after the process name" });
    expect(mistake('spike(disk) >= warning')).toEqual({ column: 7, problem: "spike() takes cpu, memory or latency, got 'disk'" });
    expect(mistake('spike(memory, tcp://db:5432) >= warning')).toEqual({ column: 7, problem: "only spike(latency, TARGET) names a target: memory spikes are the whole machine's" });
    expect(mistake('spike(latency, ) >= warning')).toEqual({ column: 7, problem: 'expected a probe target after the comma, such as spike(latency, tcp://127.0.0.1:5432)' });
    expect(mistake('spike(cpu) >= severe')).toMatchObject({ column: 15, problem: expect.stringContaining('notice, careful, warning, critical') });
    expect(mistake('cpu 95%')).toEqual({ column: 5, problem: "expected a comparison (<, <=, >, >=, =), got '95%'" });
    expect(mistake('cpu > 120%')).toMatchObject({ column: 7 });
    expect(mistake('   ')).toMatchObject({ column: 1, problem: expect.stringContaining('empty rule') });
  });

  it('reads probe rules: down, or a round trip against a duration', () => {
    expect(parseRule('probe(tcp://127.0.0.1:10000) down for 10s')).toMatchObject({ condition: { kind: 'probe', target: 'tcp://127.0.0.1:10000', down: true }, forMs: 10_000 });
    expect(parseRule('probe(https://example.com) latency > 500ms for 1m')).toMatchObject({
      condition: { kind: 'probe', target: 'https://example.com', down: false, op: '>', latencyMs: 500 },
      forMs: 60_000,
    });
    expect(mistake('probe(tcp://h:1) slow')).toEqual({ column: 18, problem: "expected 'down' or 'latency > DURATION', got 'slow'" });
    expect(mistake('probe(tcp://h:1) latency > fast')).toEqual({ column: 28, problem: "expected a round trip such as 500ms or 1s, got 'fast'" });
  });

  it('says where in one line', () => {
    const err = new RuleSyntaxError(9, "expected a percentage from 0% to 100%, got '>'");
    expect(ruleErrorLine('memory >> 90%', err, '--alert')).toBe("--alert 'memory >> 90%' column 9: expected a percentage from 0% to 100%, got '>'");
  });
});

describe('parseRuleLines', () => {
  it('reads one rule or notify URL a line, skips comments and blank lines, and names the line and column of each mistake', () => {
    const text = ['# disks', 'disk_free(/) < 1GiB for 2m  # root', '', '  memory >> 90%', 'process(/a#b/) absent', 'cpu > 95% for 5m'].join('\n');
    const { rules, notify, errors } = parseRuleLines(`${text}\n  notify smtp://mail?to=ops@x  # ops\n`);
    expect(rules.map((r) => r.text)).toEqual(['disk_free(/) < 1GiB for 2m', 'process(/a#b/) absent', 'cpu > 95% for 5m']);
    expect(notify).toEqual([{ url: 'smtp://mail?to=ops@x', line: 7 }]);
    expect(errors).toEqual(["line 4 column 11: expected a size such as 1GiB or 500M, or a percentage such as 10%, got '>'"]);
  });
});
