import type { Command } from 'commander';
import { defineBootstrapCommand } from './bootstrap.js';
import { defineCheckCommand } from './check.js';
import { defineDebugCommand } from './debug.js';
import { defineImagesCommand } from './images.js';
import { defineImportCommand } from './import.js';
import { defineLoadCommand } from './load.js';
import { defineLoginCommand } from './login.js';
import { defineLogoutCommand } from './logout.js';
import { definePlanCommand } from './plan.js';
import { definePullCommand } from './pull.js';
import { definePushCommand } from './push.js';
import { defineSaveCommand } from './save.js';

/** Every top-level command; each entry declares one command (its flags) on the program. */
export const commandDefinitions: ReadonlyArray<(program: Command) => void> = [
  defineBootstrapCommand, defineCheckCommand, defineDebugCommand, defineImagesCommand, defineImportCommand, defineLoadCommand, defineLoginCommand, defineLogoutCommand, definePlanCommand, definePullCommand, definePushCommand, defineSaveCommand,
];
