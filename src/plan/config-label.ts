import type { PlannedInstruction } from './planned-instruction.js';

const list = (values: readonly string[]): string => `[${values.map((v) => JSON.stringify(v)).join(', ')}]`;

/**
 * How a step that only changes the image config reads once expanded, close to the `created_by`
 * BuildKit writes to the history (`ENV A=1`, `ARG VERSION=1.2.3`, `CMD ["/bin/sh", "-c", "x"]`).
 * Undefined for steps that do work (their label is BuildKit's progress line).
 */
export function configLabel(instruction: PlannedInstruction): string | undefined {
  switch (instruction.kind) {
    case 'env':
    case 'label':
      return `${instruction.kind.toUpperCase()} ${instruction.pairs.map((p) => `${p.key}=${p.value}`).join(' ')}`;
    case 'arg':
      return `ARG ${instruction.args.map((a) => (a.value === undefined ? a.key : `${a.key}=${a.value}`)).join(' ')}`;
    case 'expose':
      return `EXPOSE ${instruction.ports.join(' ')}`;
    case 'user':
      return `USER ${instruction.user}`;
    case 'volume':
      return `VOLUME ${list(instruction.volumes)}`;
    case 'stopsignal':
      return `STOPSIGNAL ${instruction.signal}`;
    case 'cmd':
    case 'entrypoint':
      return `${instruction.kind.toUpperCase()} ${list(instruction.args)}`;
    case 'shell':
      return `SHELL ${list(instruction.shell)}`;
    case 'healthcheck':
      return instruction.health.test[0] === 'NONE' ? 'HEALTHCHECK NONE' : `HEALTHCHECK ${list(instruction.health.test)}`;
    case 'maintainer':
      return `MAINTAINER ${instruction.maintainer}`;
    case 'onbuild':
      return `ONBUILD ${instruction.expression}`;
    case 'workdir':
      return `WORKDIR ${instruction.workdir}`;
    case 'from':
    case 'run':
    case 'copy':
    case 'add':
      return undefined;
  }
}
