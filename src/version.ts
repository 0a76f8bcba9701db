import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** Read from package.json (once, on first use) so the two can never disagree. */
export function tmonVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return cached;
}
