import { describe, expect, it } from 'vitest';
import { filterProcesses, matchesFilter } from '../src/ui/process-filter.js';
import { makeProcess } from './helpers/make-sample.js';

const nginx = makeProcess({ pid: 77, name: 'nginx', cmd: 'nginx: worker process', user: 'www-data' });
const pg = makeProcess({ pid: 812, name: 'postgres', cmd: '/usr/lib/postgresql/bin/postgres -D /srv', user: 'postgres' });
const job = makeProcess({ pid: 4242, name: 'python3', cmd: 'python3 train.py --Epochs 9', user: 'alice' });

describe('process filter', () => {
  it('matches name, command line and user, ignoring case', () => {
    expect(matchesFilter(nginx, 'NGINX')).toBe(true);
    expect(matchesFilter(job, 'train.py')).toBe(true);
    expect(matchesFilter(job, 'epochs')).toBe(true);
    expect(matchesFilter(nginx, 'www')).toBe(true);
    expect(matchesFilter(pg, 'nginx')).toBe(false);
  });

  it('matches a pid exactly, not as part of another number', () => {
    expect(filterProcesses([nginx, pg, job], '812').map((p) => p.pid)).toEqual([812]);
    expect(filterProcesses([nginx, pg, job], '4242').map((p) => p.pid)).toEqual([4242]);
    expect(filterProcesses([nginx, pg, job], '42')).toEqual([]);
  });

  it('keeps everything, in order, for an empty or blank filter', () => {
    expect(filterProcesses([job, nginx], '')).toEqual([job, nginx]);
    expect(filterProcesses([job, nginx], '  ')).toEqual([job, nginx]);
  });
});
