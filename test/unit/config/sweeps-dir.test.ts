import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkSweepFile } from '../../../src/config/index.js';

// Every runnable example under sweeps/ must be a valid config (STYLE.md: "every one validated by a test").
const dir = join(dirname(fileURLToPath(import.meta.url)), '../../../sweeps');
const files = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('sweeps/ examples', () => {
  it('has at least one example', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  it.each(files)('%s is valid', (file) => {
    const r = checkSweepFile(join(dir, file));
    expect(r.violations).toEqual([]);
    expect(r.sweep?.parameters.length).toBeGreaterThan(0);
  });
});
