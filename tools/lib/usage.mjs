// `--help` for the scripts under tools/: prints the comment block at the top of the calling
// script (each one starts with what it does, its options and settings) and exits 0, before
// the script does anything. Call it right after the imports: `usage(import.meta.url)`.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function usage(scriptUrl, argv = process.argv.slice(2)) {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  const lines = readFileSync(fileURLToPath(scriptUrl), 'utf8').split('\n');
  const head = [];
  for (const line of lines) {
    if (line.startsWith('#!')) continue;
    if (!line.startsWith('//')) break;
    head.push(line.replace(/^\/\/ ?/, ''));
  }
  console.log(head.join('\n'));
  process.exit(0);
}
