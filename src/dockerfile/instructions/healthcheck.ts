import type { InstructionBase } from './base.js';

/**
 * The image config's Healthcheck, as BuildKit builds it: `test` is `["NONE"]`,
 * `["CMD", ...args]` (exec form) or `["CMD-SHELL", "command"]` (shell form). Durations are in
 * nanoseconds, 0 when not given (the runtime's default applies).
 */
export interface HealthConfig {
  readonly test: readonly string[];
  readonly interval: number;
  readonly timeout: number;
  readonly startPeriod: number;
  readonly startInterval: number;
  readonly retries: number;
}

/** `HEALTHCHECK NONE` or `HEALTHCHECK [--interval=] [--timeout=] [--start-period=] [--start-interval=] [--retries=] CMD ...` */
export interface HealthcheckInstruction extends InstructionBase<'healthcheck'> {
  readonly health: HealthConfig;
}
