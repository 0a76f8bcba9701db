/**
 * Preloaded into the measured dashboard (`node --import`): every 2 s it writes
 * V8's heap spaces and process.memoryUsage() to heap-log.json in the working
 * directory, so the bench can say how much of the RSS is V8's heap (and which
 * space) and how much lies outside it. A few hundred bytes every 2 s.
 */
import fs from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

setInterval(() => {
  fs.writeFileSync('heap-log.json', JSON.stringify({ spaces: getHeapSpaceStatistics(), usage: process.memoryUsage() }));
}, 2000).unref();
