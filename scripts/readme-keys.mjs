// Rewrites the README's dashboard key table from the built help table (dist/ui/keys.js):
// `npm run readme:keys`. test/keys.test.ts fails while the two differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { keyTableMarkdown } from '../dist/ui/keys.js';

const path = new URL('../README.md', import.meta.url);
const readme = readFileSync(path, 'utf8');
const start = readme.indexOf('| keys | what they do |');
if (start === -1) throw new Error('README.md has no "| keys | what they do |" table');
const end = readme.indexOf('\n\n', start);
writeFileSync(path, readme.slice(0, start) + keyTableMarkdown() + (end === -1 ? '\n' : readme.slice(end)));
