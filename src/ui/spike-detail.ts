/**
 * The selected spike opened up in the log: every culprit, wrapped, where its
 * one line had to cut them (a narrow panel, or more than the three it names). Pure.
 */
import type { Spike } from '../core/spike.js';
import { culpritText } from '../core/spike-text.js';
import { displayWidth } from '../core/text-width.js';
import { LOG_CULPRITS } from './view-model.js';

/** Lines under the spike's own `line` (as drawn `width` wide); none when that line already says it all. */
export function spikeDetailLines(s: Spike, line: string, width: number): string[] {
  if (s.culprits.length === 0 || (displayWidth(line) <= width && s.culprits.length <= LOG_CULPRITS)) return [];
  const indent = '  ';
  const out: string[] = [];
  let cur = indent;
  s.culprits.forEach((c, i) => {
    const word = culpritText(c, s.metric) + (i < s.culprits.length - 1 ? ',' : '');
    if (cur !== indent && displayWidth(cur) + 1 + displayWidth(word) > width) {
      out.push(cur);
      cur = indent;
    }
    cur += cur === indent ? word : ` ${word}`;
  });
  out.push(cur);
  return out;
}
