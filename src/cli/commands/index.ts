import type { Command } from 'commander';
import { defineCheckCommand } from './check.js';
import { definePlanCommand } from './plan.js';

/** Every top-level command; each entry declares one command (its flags) on the program. */
export const commandDefinitions: ReadonlyArray<(program: Command) => void> = [defineCheckCommand, definePlanCommand];
