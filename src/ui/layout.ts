/** Where each panel goes for a terminal size: pure, so every size can be checked without a screen. */

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Optional panels: true/false when the person toggled them, null while the size decides. */
export interface PanelToggles {
  users: boolean | null;
  events: boolean | null;
}

export interface Layout {
  cols: number;
  rows: number;
  cpu: Rect;
  memory: Rect;
  sparks: Rect;
  table: Rect;
  spikes: Rect;
  users: Rect | null;
  events: Rect | null;
  status: Rect;
}

/** Below this the panels no longer fit their borders and titles; smaller terminals are clipped. */
export const MIN_COLS = 60;
export const MIN_ROWS = 16;

/** Wide enough for the table and a column of side panels next to it. */
const WIDE_COLS = 120;

/** Large enough that the per-user and process-event panels are shown without asking. */
export function isLarge(cols: number, rows: number): boolean {
  return cols >= 160 && rows >= 40;
}

export function computeLayout(termCols: number, termRows: number, toggles: PanelToggles): Layout {
  const cols = Math.max(MIN_COLS, termCols);
  const rows = Math.max(MIN_ROWS, termRows);
  const large = isLarge(cols, rows);
  const showUsers = toggles.users ?? large;
  const showEvents = toggles.events ?? large;
  const status: Rect = { left: 0, top: rows - 1, width: cols, height: 1 };
  return cols >= WIDE_COLS ? wide(cols, rows, showUsers, showEvents, status) : narrow(cols, rows, showUsers, showEvents, status);
}

/**
 * Graphs and sparklines across the top; below, the process table on the left and
 * a column of spike log, users and events on the right.
 */
function wide(cols: number, rows: number, showUsers: boolean, showEvents: boolean, status: Rect): Layout {
  const graphH = clamp(Math.round(rows * 0.3), 8, 22);
  const graphW = Math.round(cols * 0.4);
  const bottomTop = graphH;
  const bottomH = rows - 1 - graphH;
  const tableW = Math.round(cols * 0.55);
  const rightW = cols - tableW;
  const extras = [showUsers, showEvents].filter(Boolean).length;
  const spikesH = extras === 0 ? bottomH : Math.max(5, Math.round(bottomH * (extras === 1 ? 0.6 : 0.5)));
  const extraH = extras === 0 ? 0 : Math.floor((bottomH - spikesH) / extras);
  let y = bottomTop + spikesH;
  const stack = (show: boolean, last: boolean): Rect | null => {
    if (!show) return null;
    const r = { left: tableW, top: y, width: rightW, height: last ? bottomTop + bottomH - y : extraH };
    y += r.height;
    return r;
  };
  const users = stack(showUsers, !showEvents);
  const events = stack(showEvents, true);
  return {
    cols,
    rows,
    cpu: { left: 0, top: 0, width: graphW, height: graphH },
    memory: { left: graphW, top: 0, width: graphW, height: graphH },
    sparks: { left: 2 * graphW, top: 0, width: cols - 2 * graphW, height: graphH },
    table: { left: 0, top: bottomTop, width: tableW, height: bottomH },
    spikes: { left: tableW, top: bottomTop, width: rightW, height: spikesH },
    users,
    events,
    status,
  };
}

/**
 * 80 columns: graphs and sparklines share the top row; the table and the spike log
 * each get the full width (spike lines carry the culprits and are long). Users and
 * events, when toggled on, share the spike log's row.
 */
function narrow(cols: number, rows: number, showUsers: boolean, showEvents: boolean, status: Rect): Layout {
  const graphH = clamp(Math.round(rows * 0.33), 7, 14);
  const sparksW = clamp(Math.round(cols * 0.25), 18, 30);
  const graphW = Math.floor((cols - sparksW) / 2);
  const bottomH = rows - 1 - graphH;
  const tableH = Math.max(5, Math.round(bottomH * 0.6));
  const logTop = graphH + tableH;
  const logH = rows - 1 - logTop;
  const extras = [showUsers, showEvents].filter(Boolean).length;
  const spikesW = extras === 0 ? cols : Math.round(cols * 0.5);
  const extraW = extras === 0 ? 0 : Math.floor((cols - spikesW) / extras);
  let x = spikesW;
  const beside = (show: boolean, last: boolean): Rect | null => {
    if (!show) return null;
    const r = { left: x, top: logTop, width: last ? cols - x : extraW, height: logH };
    x += r.width;
    return r;
  };
  const users = beside(showUsers, !showEvents);
  const events = beside(showEvents, true);
  return {
    cols,
    rows,
    cpu: { left: 0, top: 0, width: graphW, height: graphH },
    memory: { left: graphW, top: 0, width: graphW, height: graphH },
    sparks: { left: 2 * graphW, top: 0, width: cols - 2 * graphW, height: graphH },
    table: { left: 0, top: graphH, width: cols, height: tableH },
    spikes: { left: 0, top: logTop, width: spikesW, height: logH },
    users,
    events,
    status,
  };
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
