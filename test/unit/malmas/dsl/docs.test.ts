import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FEATURE_LANGUAGE_CHEATSHEET, FUNCTIONS } from '../../../../src/malmas/dsl/index.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

describe('feature language documentation', () => {
  const reference = readFileSync(resolve(root, 'docs/feature-language.md'), 'utf8');

  it.each([...FUNCTIONS.keys()])('documents %s in the reference (with an example) and in the prompt cheat sheet', (name) => {
    // a table row of the reference starts with the function's signature and has an example cell
    const rows = reference.split('\n').filter((l) => l.startsWith(`| \`${name}(`));
    expect(rows.some((r) => r.split('|').length >= 5 && r.includes('→'))).toBe(true);
    expect(FEATURE_LANGUAGE_CHEATSHEET).toContain(`${name}(`);
  });
});
