import type { ArgInstruction } from '../dockerfile/instructions/index.js';
import { NON_ENV_ARGS } from './builtin-args.js';
import type { ConvertContext, StepDraft } from './convert-context.js';

/**
 * ARG inside a stage, as BuildKit's dispatchArg: the value is the `--build-arg` of that name if
 * given, else the default expanded against the scope so far, else (for a bare `ARG NAME`) the global
 * value of the name (an ARG before the first FROM, or an automatic platform ARG). A name with a
 * value enters the scope; each declared name is listed for RUN history either way.
 */
export function convertArg(command: ArgInstruction, context: ConvertContext): StepDraft {
  const { state, options } = context;
  const args: { key: string; value: string | undefined }[] = [];
  for (const arg of command.args) {
    const given = options.buildArgs.get(arg.key);
    context.consumed.add(arg.key);
    let value: string | undefined;
    if (given !== undefined) value = given;
    else if (arg.value !== undefined) value = context.expander.word(arg.value);
    else value = context.globals.get(arg.key);
    if (value !== undefined && !NON_ENV_ARGS.includes(arg.key)) state.env.set(arg.key, value);
    state.buildArgs.push({ key: arg.key, value });
    args.push({ key: arg.key, value });
  }
  return { instruction: { kind: 'arg', args }, layer: false, inputs: [], numbered: false };
}
