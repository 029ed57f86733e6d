/** Collects every violation and warning found while resolving one config (never stops at the first). */
import type { Violation } from '../core/errors.js';
import { toPlain, type TNode } from './typed.js';

export class Issues {
  readonly violations: Violation[] = [];
  readonly warnings: Violation[] = [];

  error(path: string, message: string, value?: TNode): void {
    this.violations.push(make(path, message, value));
  }

  warn(path: string, message: string, value?: TNode): void {
    this.warnings.push(make(path, message, value));
  }

  get count(): number {
    return this.violations.length;
  }
}

function make(path: string, message: string, value: TNode | undefined): Violation {
  return value === undefined ? { path, message } : { path, message, value: toPlain(value) };
}
