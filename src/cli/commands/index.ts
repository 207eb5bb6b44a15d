import type { Command } from 'commander';

/** Every top-level command; each entry declares one command (its flags) on the program. */
export const commandDefinitions: ReadonlyArray<(program: Command) => void> = [];
