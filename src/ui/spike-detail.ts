/**
 * The selected spike opened up in the log: every culprit, wrapped, where its
 * one line had to cut them (a narrow panel, or more than the three it names);
 * a latency spike's whole target where the line cut it. Pure.
 */
import type { Spike } from '../core/spike.js';
import { culpritText, latencySubject } from '../core/spike-text.js';
import { displayWidth, fitWidth } from '../core/text-width.js';
import { LOG_CULPRITS } from './view-model.js';

/** Lines a long target may take under its spike: a URL of 2000 characters is not worth the whole panel. */
const MAX_TARGET_LINES = 6;

/** Lines under the spike's own `line` (as drawn `width` wide); none when that line already says it all. */
export function spikeDetailLines(s: Spike, line: string, width: number): string[] {
  if (s.metric === 'latency') return displayWidth(line) <= width ? [] : targetLines(s, width);
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

/** The target and its usual round trip in pieces of the panel's width (a URL has no spaces to wrap at). */
function targetLines(s: Spike, width: number): string[] {
  const room = Math.max(1, width - 2);
  const out: string[] = [];
  let cur = '';
  for (const ch of latencySubject(s)) {
    if (displayWidth(cur + ch) > room) {
      out.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur !== '') out.push(cur);
  const shown = out.length > MAX_TARGET_LINES ? [...out.slice(0, MAX_TARGET_LINES - 1), fitWidth(`${out[MAX_TARGET_LINES - 1] ?? ''}…`, room)] : out;
  return shown.map((l) => `  ${l}`);
}
