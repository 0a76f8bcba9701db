/**
 * The process table's model: every process of the sample, filtered, sorted or
 * as a tree, laid out in the columns the panel's width allows. Pure: the panel
 * (panels/processes.ts) only draws what this returns.
 */
import { processKey, programName, type ProcessStats, type Sample } from '../core/sample.js';
import { fitWidth, padWidth } from '../core/text-width.js';
import { formatBytes, formatClock, formatDay } from '../core/units.js';
import { filterProcesses } from './process-filter.js';
import { DESCENDING, SORT_LABEL, processOrder, type SortColumn, type TableSort } from './process-sort.js';
import { processTree } from './process-tree.js';

/** How the table is asked to show the processes (from the view state). */
export interface TableView {
  sort: TableSort;
  /** The `/` filter's text; empty shows all. */
  filter: string;
  tree: boolean;
  /** Keys of the processes whose children the tree hides. */
  collapsed: readonly string[];
}

export interface TableRow {
  key: string;
  pid: number;
  name: string;
  user: string;
  cmd: string;
  startTime: number;
  exited: boolean;
  /** Tree view: how many children it has, and whether they are hidden. */
  children: number;
  collapsed: boolean;
  /** By column id (COLUMNS), then `name`: the name cell with its tree branches. */
  readonly cells: Readonly<Record<CellId, string>>;
}

type CellId = (typeof COLUMNS)[number]['id'] | 'name';

interface Column {
  readonly id: string;
  readonly title: string;
  readonly width: number;
  readonly right: boolean;
  /** Shown only while the name keeps MIN_NAME_WIDTH columns. */
  readonly optional: boolean;
  /** The sort it shows (its header carries the arrow). */
  readonly sort?: SortColumn;
}

/** The fixed columns, then the optional ones by priority (state, threads, start); NAME/command takes the rest. */
const COLUMNS = [
  { id: 'pid', title: 'PID', width: 7, right: true, optional: false, sort: 'pid' },
  { id: 'user', title: 'USER', width: 9, right: false, optional: false, sort: 'user' },
  { id: 'cpu', title: 'CPU%', width: 6, right: true, optional: false, sort: 'cpu' },
  { id: 'mem', title: 'MEM%', width: 5, right: true, optional: false },
  { id: 'rss', title: 'RSS', width: 6, right: true, optional: false, sort: 'mem' },
  { id: 'state', title: 'S', width: 2, right: false, optional: true, sort: 'state' },
  { id: 'threads', title: 'THR', width: 4, right: true, optional: true, sort: 'threads' },
  { id: 'start', title: 'START', width: 6, right: true, optional: true, sort: 'start' },
] as const satisfies readonly Column[];

const MIN_NAME_WIDTH = 30;

/** The columns shown at `width`: the fixed ones, then each optional one while the name keeps its room. */
export function tableColumns(width: number): readonly Column[] {
  const out: Column[] = COLUMNS.filter((c) => !c.optional);
  let used = out.reduce((n, c) => n + c.width + 1, 0);
  for (const c of COLUMNS) {
    if (!c.optional || width - used - (c.width + 1) < MIN_NAME_WIDTH) continue;
    out.push(c);
    used += c.width + 1;
  }
  return out;
}

/** Every process of the sample the filter lets through, sorted, or as a tree. */
export function tableRows(sample: Sample | undefined, view: TableView): TableRow[] {
  if (!sample) return [];
  const shown = filterProcesses(sample.processes, view.filter);
  const order = processOrder(view.sort);
  if (!view.tree) return [...shown].sort(order).map((p) => tableRow(p, sample.time, '', 0, false));
  return processTree(shown, order, new Set(view.collapsed)).map((t) => tableRow(t.process, sample.time, `${t.prefix}${t.collapsed ? '+ ' : ''}`, t.children, t.collapsed));
}

function tableRow(p: ProcessStats, now: number, branch: string, children: number, collapsed: boolean): TableRow {
  return new ProcessRow(p, now, branch, children, collapsed);
}

/**
 * A row as a class, its fields read through from the process and its cells made
 * when first read: only the rows on screen are drawn, of a table that may hold
 * thousands, rebuilt at every sample (an object literal with a getter cost each
 * row its own closure and accessor, ~1 KB, most of the dashboard's garbage at
 * 1000 processes).
 */
class ProcessRow implements TableRow {
  private madeKey: string | undefined;
  private madeCells: TableRow['cells'] | undefined;

  constructor(
    private readonly p: ProcessStats,
    private readonly now: number,
    private readonly branch: string,
    readonly children: number,
    readonly collapsed: boolean,
  ) {}

  get key(): string {
    return (this.madeKey ??= processKey(this.p));
  }
  get pid(): number {
    return this.p.pid;
  }
  get name(): string {
    return this.p.name;
  }
  get user(): string {
    return this.p.user;
  }
  get cmd(): string {
    return this.p.cmd;
  }
  get startTime(): number {
    return this.p.startTime;
  }
  get exited(): boolean {
    return this.p.exited === true;
  }
  get cells(): TableRow['cells'] {
    const p = this.p;
    return (this.madeCells ??= {
      pid: String(p.pid),
      user: p.user,
      cpu: p.cpu.toFixed(1),
      mem: p.memPercent.toFixed(1),
      rss: formatBytes(p.rss),
      state: p.state,
      threads: String(p.threads),
      start: startLabel(p.startTime, this.now),
      name: this.branch + processLabel(p),
    });
  }
}

/** Name, markers a person must not miss, then the command line when it says more. */
function processLabel(p: ProcessStats): string {
  let marks = '';
  if (p.exited === true) marks += ' (exited)';
  if ((p.childCpu ?? 0) >= 1) marks += ` (+${Math.round(p.childCpu ?? 0)}% children)`;
  if (p.kernelThread || p.cmd === '' || p.cmd === p.name) return `${p.kernelThread ? `[${p.name}]` : p.name}${marks}`;
  // The command alone when it starts with the name (`node bin/tmon.js`, not `node  node bin/tmon.js`);
  // the name first when the process calls itself something else (`tmux: server  tmux new -s x`).
  return commandNamed(p) ? `${p.cmd}${marks}` : `${p.name}${marks}  ${p.cmd}`;
}

/** Whether the command's program is the process's name (comm, cut to 15 characters by the kernel). */
function commandNamed(p: ProcessStats): boolean {
  const base = programName(p.cmd);
  return base === p.name || (p.name.length >= 15 && base.startsWith(p.name));
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** When a process started, in 5 columns as htop says it: "03:12" the same local day as `now`, "Nov29" this year, else the year. */
export function startLabel(startTime: number, now: number): string {
  if (formatDay(startTime) === formatDay(now)) return formatClock(startTime).slice(0, 5);
  const d = new Date(startTime);
  return d.getFullYear() === new Date(now).getFullYear() ? `${MONTHS[d.getMonth()]}${String(d.getDate()).padStart(2, '0')}` : String(d.getFullYear());
}

/** The column titles, the sorted column's marked with its direction (▼ largest first, ▲ smallest first). */
export function tableHeader(sort: TableSort, width: number): string {
  const descending = DESCENDING[sort.column] !== sort.reverse;
  const arrow = descending ? '▼' : '▲';
  const cells: Record<string, string> = {};
  for (const c of COLUMNS) cells[c.id] = 'sort' in c && c.sort === sort.column ? `${c.title}${arrow}` : c.title;
  cells.name = sort.column === 'name' ? `NAME${arrow}/command` : 'NAME/command';
  return tableLine(cells, width);
}

/** Cells laid out in the columns `width` allows, the name filling (and cut at) `width`, measured in terminal columns. */
export function tableLine(cells: Readonly<Record<string, string>>, width: number): string {
  let out = '';
  for (const c of tableColumns(width)) out += `${padWidth(cells[c.id] ?? '', c.width, c.right)} `;
  return fitWidth(out + (cells.name ?? ''), width);
}

export interface TitleInput {
  sort: TableSort;
  tree: boolean;
  filter: string;
  /** Rows listed, and every process on the host (tasks.total: also when the sample carries a selection). */
  shown: number;
  total: number;
  /** The followed process, and whether its row is listed. */
  follow: { pid: number; name: string; listed: boolean } | null;
}

/** "Processes by CPU (212)", "Process tree by memory, reversed (3 of 212 match "nginx") · following nginx[77]". */
export function tableTitle(t: TitleInput): string {
  const order = `${t.tree ? 'Process tree' : 'Processes'} by ${SORT_LABEL[t.sort.column]}${t.sort.reverse ? ', reversed' : ''}`;
  const count = t.filter.trim() === '' ? `(${t.total})` : `(${t.shown} of ${t.total} match "${t.filter}")`;
  const f = t.follow;
  const following = f ? ` · following ${f.name}[${f.pid}]${f.listed ? '' : ': not listed'}` : '';
  return `${order} ${count}${following}`;
}
