/**
 * `npm run bench`: runs each area's benchmark in turn and prints its report.
 * Each area module exports `bench(): Promise<string>` returning markdown.
 * Pass area names to run only those: `npm run bench -- collector store`.
 */
const AREAS: Record<string, () => Promise<{ bench: () => Promise<string> }>> = {
  collector: () => import('./collector.js'),
  attribution: () => import('./attribution.js'),
  store: () => import('./store.js'),
  dashboard: () => import('./dashboard.js'),
  'dashboard-process': () => import('./dashboard-process.js'),
  agent: () => import('./agent.js'),
  whole: () => import('./whole-process.js'),
  metrics: () => import('./metrics.js'),
  attacks: () => import('./attacks.js'),
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  const names = wanted.length > 0 ? wanted : Object.keys(AREAS);
  for (const name of names) {
    const load = AREAS[name];
    if (!load) {
      process.stderr.write(`bench: unknown area '${name}' (known: ${Object.keys(AREAS).join(', ')})\n`);
      process.exitCode = 2;
      return;
    }
    process.stdout.write(`\n## ${name}\n\n${await (await load()).bench()}\n`);
  }
}

void main();
