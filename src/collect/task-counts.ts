import type { TaskCounts } from '../core/sample.js';

export function noTasks(): TaskCounts {
  return { total: 0, running: 0, sleeping: 0, blocked: 0, stopped: 0, zombie: 0, idle: 0 };
}

/** Counts one process by its one-letter kernel state, as top's "Tasks:" line does. */
export function countState(t: TaskCounts, state: string): void {
  t.total++;
  switch (state) {
    case 'R':
      t.running++;
      break;
    case 'D':
      t.blocked++;
      break;
    case 'T':
    case 't':
      t.stopped++;
      break;
    case 'Z':
      t.zombie++;
      break;
    case 'I':
      t.idle++;
      break;
    default:
      // S, and the rare W/P/K/X: sleeping is what they mean to a reader of the table.
      t.sleeping++;
  }
}
