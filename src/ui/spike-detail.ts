/**
 * The selected spike opened up in the log: every culprit, wrapped, where its
 * one line had to cut them (a narrow panel, or more than the three it names). Pure.
 */
import type { Spike } from '../core/spike.js';
import { culpritText } from '../core/spike-text.js';

/** Lines under the spike's own `line` (as drawn `width` wide); none when that line already says it all. */
export function spikeDetailLines(s: Spike, line: string, width: number): string[] {
  if (s.culprits.length === 0 || (line.length <= width && s.culprits.length <= 3)) return [];
  const indent = '  ';
  const out: string[] = [];
  let cur = indent;
  s.culprits.forEach((c, i) => {
    const word = culpritText(c, s.metric) + (i < s.culprits.length - 1 ? ',' : '');
    if (cur !== indent && cur.length + 1 + word.length > width) {
      out.push(cur);
      cur = indent;
    }
    cur += cur === indent ? word : ` ${word}`;
  });
  out.push(cur);
  return out;
}
