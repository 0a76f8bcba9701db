import { tmonVersion } from '../version.js';

export function mainUsage(): string {
  return `tmon ${tmonVersion()} — terminal monitor for servers

Usage:
  tmon [options]                     live dashboard of this machine
  tmon agent [options]               sample and stream to viewers over WebSocket
  tmon connect HOST:PORT [more…]     the dashboard of remote agents
  tmon record FILE [options]         record without a screen
  tmon replay FILE|DIR               browse a recording
  tmon spikes FILE|DIR|HOST:PORT     print the spike log
  tmon export FILE --csv             one CSV row per sample

Run 'tmon <command> --help' for the options of each command.

Dashboard options:
  -i, --interval DUR     sampling interval (default 1s, at least 200ms)
  -n, --top N            processes in the table (default 15)
      --record FILE      record while watching
      --cgroup PATH      watch this memory cgroup (its /proc/PID/cgroup path) instead of
                         tmon's own; a limit below RAM is the memory total
      --cpu-threshold P  CPU spike threshold, busy % (default 80)
      --cpu-margin P     CPU rise above the recent baseline, points (default 20)
      --mem-threshold P  memory spike threshold, % of RAM or cgroup limit (default 80)
      --mem-margin P     memory rise above the recent baseline, points (default 10)
      --cpu-rise P       a sudden CPU rise of P points is a spike at any level (default 50, 0 off)
      --mem-rise P       a sudden memory rise of P points is a spike at any level (default 1, 0 off)
  -h, --help             this help
  -v, --version          print the version
`;
}
