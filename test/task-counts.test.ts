import { describe, expect, it } from 'vitest';
import { countState, noTasks } from '../src/collect/task-counts.js';

describe('task counts', () => {
  it("counts states as top's Tasks line does: the rare ones as sleeping, t as stopped, I as idle", () => {
    const t = noTasks();
    for (const state of ['R', 'R', 'S', 'D', 'T', 't', 'Z', 'I', 'W', 'X']) countState(t, state);
    expect(t).toEqual({ total: 10, running: 2, sleeping: 3, blocked: 1, stopped: 2, zombie: 1, idle: 1 });
  });
});
