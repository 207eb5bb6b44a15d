import type { Command } from 'commander';
import { defineBootstrapCommand } from './bootstrap.js';
import { defineBuildCommand } from './build.js';
import { defineCheckCommand } from './check.js';
import { defineCompareCommand } from './compare.js';
import { defineDebugCommand } from './debug.js';
import { defineDuCommand } from './du.js';
import { defineHistoryCommand } from './history.js';
import { defineImagesCommand } from './images.js';
import { defineImportCommand } from './import.js';
import { defineInspectCommand } from './inspect.js';
import { defineLoadCommand } from './load.js';
import { defineLoginCommand } from './login.js';
import { defineLogoutCommand } from './logout.js';
import { defineLogsCommand } from './logs.js';
import { definePlanCommand } from './plan.js';
import { definePruneCommand } from './prune.js';
import { definePsCommand } from './ps.js';
import { definePullCommand } from './pull.js';
import { definePushCommand } from './push.js';
import { defineReportCommand } from './report.js';
import { defineRmCommand } from './rm.js';
import { defineRmiCommand } from './rmi.js';
import { defineRunCommand } from './run.js';
import { defineSaveCommand } from './save.js';
import { defineStopCommand } from './stop.js';
import { defineTagCommand } from './tag.js';
import { defineVerifyCommand } from './verify.js';

/** Every top-level command; each entry declares one command (its flags) on the program. */
export const commandDefinitions: ReadonlyArray<(program: Command) => void> = [
  defineBootstrapCommand,
  defineBuildCommand,
  defineCheckCommand,
  defineCompareCommand,
  defineDebugCommand,
  defineDuCommand,
  defineHistoryCommand,
  defineImagesCommand,
  defineImportCommand,
  defineInspectCommand,
  defineLoadCommand,
  defineLoginCommand,
  defineLogoutCommand,
  defineLogsCommand,
  definePlanCommand,
  definePruneCommand,
  definePsCommand,
  definePullCommand,
  definePushCommand,
  defineReportCommand,
  defineRmCommand,
  defineRmiCommand,
  defineRunCommand,
  defineSaveCommand,
  defineStopCommand,
  defineTagCommand,
  defineVerifyCommand,
];
