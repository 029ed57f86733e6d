import { CommandExecutor } from '../../../src/executor/command.js';
import { FunctionExecutor } from '../../../src/executor/function.js';
import { EXECUTOR_NAMES, createExecutor, isExecutorName } from '../../../src/executor/registry.js';

describe('executor registry', () => {
  it('names come from the map', () => {
    expect([...EXECUTOR_NAMES].sort()).toEqual(['command', 'function']);
    expect(isExecutorName('command')).toBe(true);
    expect(isExecutorName('toString')).toBe(false);
  });

  it('creates each executor from its options', () => {
    expect(createExecutor('command', { program: 'train.py' })).toBeInstanceOf(CommandExecutor);
    expect(createExecutor('function', () => undefined)).toBeInstanceOf(FunctionExecutor);
  });
});
