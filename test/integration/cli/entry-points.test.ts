/** The process entry points under workers/ run one `ff` command each, with its flags and exit codes. */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../helpers/cli.js';

function run(script: string, args: readonly string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'workers', script), ...args], { cwd: ROOT, env: { ...process.env, FF_DEBUG: '' } });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('workers/ entry points', () => {
  it.each([
    ['worker.js', '--concurrency'],
    ['coordinator.js', '--lease-check'],
  ])('%s --help shows the command’s own options', async (script, option) => {
    const r = await run(script, ['--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain(option);
    expect(r.out).toContain('--tracker');
  });

  it('a bad flag is a usage error (exit 2), not a stack trace', async () => {
    const r = await run('worker.js', ['--concurrency', '0', '--redis', 'redis://127.0.0.1:1']);
    expect(r.code).toBe(2);
    expect(r.out).toContain('--concurrency must be a positive integer');
    expect(r.out).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
