import type { PlannedInstruction } from '../plan/index.js';
import { goDuration, goList, goQuotedList, goSetMap } from './go-format.js';

/** What the history entry of a step that made a layer ends with, as BuildKit marks its own. */
const BUILDKIT_SUFFIX = ' # buildkit';

/**
 * The `created_by` of the history entry BuildKit writes for an instruction, or undefined for the
 * ones it writes none for (FROM keeps the base image's history; ONBUILD only records the trigger):
 * `RUN |1 A=1 /bin/sh -c npm install # buildkit`, `COPY package*.json ./ # buildkit`,
 * `WORKDIR /app`, `EXPOSE map[3000/tcp:{}]`, `CMD ["node" "app.js"]`.
 */
export function historyText(instruction: PlannedInstruction): string | undefined {
  switch (instruction.kind) {
    case 'from':
    case 'onbuild':
      return undefined;
    case 'run': {
      const args = instruction.buildArgs.length > 0 ? [`|${String(instruction.buildArgs.length)}`, ...instruction.buildArgs] : [];
      return `RUN ${[...args, ...instruction.args].join(' ')}${BUILDKIT_SUFFIX}`;
    }
    case 'copy':
    case 'add': {
      const words: string[] = [instruction.kind === 'add' ? 'ADD' : 'COPY'];
      if (instruction.kind === 'copy' && instruction.parents) words.push('--parents');
      if (instruction.chown !== undefined && instruction.chown !== '') words.push(`--chown=${instruction.chown}`);
      if (instruction.chmod !== undefined && instruction.chmod !== '') words.push(`--chmod=${instruction.chmod}`);
      words.push(...instruction.sources);
      for (const content of instruction.contents) words.push(`<<${content.path}`);
      words.push(instruction.destination);
      return words.join(' ') + BUILDKIT_SUFFIX;
    }
    case 'env':
    case 'label':
      return [instruction.kind.toUpperCase(), ...instruction.pairs.map((p) => `${p.key}=${p.value}`)].join(' ');
    case 'arg':
      return `ARG ${instruction.args.map((a) => (a.value === undefined ? a.key : `${a.key}=${a.value}`)).join(' ')}`;
    case 'expose':
      return `EXPOSE ${goSetMap(instruction.ports)}`;
    case 'user':
      return `USER ${instruction.user}`;
    case 'workdir':
      return `WORKDIR ${instruction.workdir}`;
    case 'volume':
      return `VOLUME ${goList(instruction.volumes)}`;
    case 'stopsignal':
      return `STOPSIGNAL ${instruction.signal}`;
    case 'cmd':
    case 'entrypoint':
      return `${instruction.kind.toUpperCase()} ${goQuotedList(instruction.args)}`;
    case 'shell':
      return `SHELL ${goList(instruction.shell)}`;
    case 'maintainer':
      return `MAINTAINER ${instruction.maintainer}`;
    case 'healthcheck': {
      const h = instruction.health;
      return (
        `HEALTHCHECK {Test:${goList(h.test)} Interval:${goDuration(h.interval)} Timeout:${goDuration(h.timeout)} ` +
        `StartPeriod:${goDuration(h.startPeriod)} StartInterval:${goDuration(h.startInterval)} Retries:${String(h.retries)}}`
      );
    }
  }
}
