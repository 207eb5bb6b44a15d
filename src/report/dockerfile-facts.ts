import { readFile } from 'node:fs/promises';
import { BuildError } from '../errors/index.js';
import { parseStages } from '../dockerfile/instructions/index.js';
import type { Stage } from '../dockerfile/instructions/index.js';
import { expandWord } from '../dockerfile/shell/index.js';
import { parseDockerfile } from '../dockerfile/syntax/index.js';
import type { DockerfileFacts } from './advice-types.js';

const NODE_INSTALL = /^(npm\s+(ci|clean-install|install|i)|yarn(\s+install)?|pnpm\s+(install|i))(\s|$)/;
const PRODUCTION_ONLY = /--omit[= ]dev\b|--production\b|--only[= ]prod(uction)?\b|--prod\b|^NODE_ENV=production\s/;

/** The simple commands of a shell script that install node packages with their devDependencies. */
export function nodeDevInstalls(script: string, productionEnv: boolean): string[] {
  if (productionEnv) return [];
  return script
    .split(/&&|\|\||[;|\n]/)
    .map((part) => part.trim().replace(/\s+/g, ' '))
    .filter((command) => NODE_INSTALL.test(command.replace(/^(\w+=\S*\s+)+/, '')) && !PRODUCTION_ONLY.test(command));
}

/**
 * What advice needs from a Dockerfile: the final stage's base image (following stage names, with
 * the meta ARGs' defaults expanded) and the RUN lines of that stage and the stages it is built on
 * that install node packages with their devDependencies. Pure: the caller reads the file.
 */
export function readDockerfileFacts(text: string, file: string): DockerfileFacts {
  const parsed = parseStages(parseDockerfile(text, { file }));
  const meta = new Map<string, string>();
  for (const arg of parsed.metaArgs) for (const def of arg.args) if (def.value !== undefined) meta.set(def.key, expandWord(def.value, meta).value);
  const byName = new Map<string, Stage>();
  for (const stage of parsed.stages) if (stage.name !== undefined) byName.set(stage.name, stage);
  const chain: Stage[] = [];
  let stage: Stage | undefined = parsed.stages[parsed.stages.length - 1];
  let base: string | undefined;
  while (stage !== undefined && !chain.includes(stage)) {
    chain.push(stage);
    base = expandWord(stage.from.image, meta).value;
    stage = byName.get(base.toLowerCase()) ?? (/^\d+$/.test(base) ? parsed.stages[Number(base)] : undefined);
  }
  const devInstalls: Array<{ line: number; command: string }> = [];
  for (const s of [...chain].reverse()) {
    let production = false;
    for (const command of s.commands) {
      if (command.kind === 'env' && command.env.some((p) => p.key === 'NODE_ENV')) production = command.env.some((p) => p.key === 'NODE_ENV' && p.value === 'production');
      if (command.kind !== 'run') continue;
      for (const found of nodeDevInstalls(command.command.args.join(' '), production)) devInstalls.push({ line: command.range.start.line, command: found });
    }
  }
  const baseStage = chain[chain.length - 1];
  return {
    file,
    ...(base !== undefined ? { finalBase: base } : {}),
    ...(baseStage !== undefined ? { finalFromLine: baseStage.range.start.line } : {}),
    devInstalls,
  };
}

/** Reads a Dockerfile from disk for advice (DOCKERFILE_NOT_FOUND when it cannot be read). */
export async function readDockerfileFactsFile(path: string): Promise<DockerfileFacts> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new BuildError('DOCKERFILE_NOT_FOUND', `cannot read ${path}`, { cause: err, hint: 'give the Dockerfile the image was built from with -f' });
  }
  return readDockerfileFacts(text, path);
}
