import type { Command } from 'commander';
import { defineBootstrapCommand } from './bootstrap.js';
import { defineCheckCommand } from './check.js';
import { defineDebugCommand } from './debug.js';
import { defineHistoryCommand } from './history.js';
import { defineImagesCommand } from './images.js';
import { defineImportCommand } from './import.js';
import { defineInspectCommand } from './inspect.js';
import { defineLoadCommand } from './load.js';
import { defineLoginCommand } from './login.js';
import { defineLogoutCommand } from './logout.js';
import { definePlanCommand } from './plan.js';
import { definePruneCommand } from './prune.js';
import { definePullCommand } from './pull.js';
import { definePushCommand } from './push.js';
import { defineRmiCommand } from './rmi.js';
import { defineSaveCommand } from './save.js';
import { defineTagCommand } from './tag.js';
import { defineVerifyCommand } from './verify.js';

/** Every top-level command; each entry declares one command (its flags) on the program. */
export const commandDefinitions: ReadonlyArray<(program: Command) => void> = [
  defineBootstrapCommand,
  defineCheckCommand,
  defineDebugCommand,
  defineHistoryCommand,
  defineImagesCommand,
  defineImportCommand,
  defineInspectCommand,
  defineLoadCommand,
  defineLoginCommand,
  defineLogoutCommand,
  definePlanCommand,
  definePruneCommand,
  definePullCommand,
  definePushCommand,
  defineRmiCommand,
  defineSaveCommand,
  defineTagCommand,
  defineVerifyCommand,
];
