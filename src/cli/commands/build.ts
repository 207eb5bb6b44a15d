import type { Command } from 'commander';
import { readBuildInput } from '../build-input.js';
import type { RegistrySettings } from '../../registry/index.js';

interface BuildCommandOptions {
  readonly file?: string;
  readonly tag: string[];
  readonly target?: string;
  readonly buildArg: string[];
  /** commander's negated `--no-cache`: false when given. */
  readonly cache: boolean;
  readonly pull?: boolean;
  readonly label: string[];
  readonly network: string;
  readonly jobs?: string;
  readonly progress: string;
  readonly output: string[];
  readonly iidfile?: string;
  readonly push?: boolean;
  readonly platform?: string;
  readonly quiet?: boolean;
  readonly registriesConf?: string;
  readonly allow: string[];
  readonly secret: string[];
  readonly ssh: string[];
  readonly buildContext: string[];
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `stagecraft build`: docker build's flags, with BuildKit's semantics, without a daemon. */
export function defineBuildCommand(program: Command): void {
  program
    .command('build')
    .description('build an image from a Dockerfile and a context directory')
    .argument('<context>', 'the build context directory; - reads a tar archive (or a Dockerfile) from standard input')
    .option('-f, --file <path>', 'the Dockerfile (default: CONTEXT/Dockerfile; - reads standard input)')
    .option('-t, --tag <name>', 'name the image in the local store, name:tag (repeatable)', collect, [])
    .option('--target <stage>', 'build this stage (default: the last one)')
    .option('--build-arg <name[=value]>', 'a build-time variable (repeatable); NAME alone takes it from the environment', collect, [])
    .option('--no-cache', 'run every step, whatever the cache holds')
    .option('--pull', 'fetch base images from their registry even when the store has them')
    .option('--label <key=value>', 'a label for the image (repeatable)', collect, [])
    .option('--network <mode>', 'the network of RUN steps: host or none', 'host')
    .option('--jobs <n>', 'steps that do work at once (default: the number of cores, at least 4)')
    .option('--progress <mode>', 'auto, tty, plain, json or quiet', 'auto')
    .option('-o, --output <spec>', 'type=oci|docker|tar,dest=FILE (oci: compression=gzip|uncompressed); type=local,dest=DIR; type=registry; type=image[,push=true] (repeatable)', collect, [])
    .option('--iidfile <file>', 'write the image id (the config digest) to this file')
    .option('--push', 'push the image to its registry (same as --output type=registry)')
    .option('--platform <os/arch[/variant]>', 'the platform to build for (default: this machine)')
    .option('-q, --quiet', 'print only the image id (--progress quiet)')
    .option('--registries-conf <file>', 'read this registries.conf instead of the system and user ones')
    .option('--allow <entitlement>', 'let RUN steps ask for network.host or security.insecure (repeatable, or comma-separated)', collect, [])
    .option('--secret <spec>', 'a secret for RUN --mount=type=secret: id=NAME,src=FILE | id=NAME,env=VAR | id=NAME (repeatable)', collect, [])
    .option('--build-context <name=value>', 'a named context for FROM, COPY --from and RUN --mount=from: NAME=DIR | NAME=docker-image://REF | NAME=oci-layout://DIR[:TAG] (repeatable)', collect, [])
    .option('--ssh <spec>', 'an ssh agent for RUN --mount=type=ssh: default ($SSH_AUTH_SOCK) | ID=SOCKET | ID=KEYFILE[,KEYFILE...] (repeatable)', collect, [])
    .action(async (context: string, options: BuildCommandOptions) => {
      await runBuild(program, context, options);
    });
}

/** `NAME=value` pairs of a repeatable flag; `NAME` alone reads the environment (build args) or is empty (labels). */
async function parsePairs(values: readonly string[], flag: string, fromEnv: boolean): Promise<Map<string, string>> {
  const { BuildError } = await import('../../errors/index.js');
  const pairs = new Map<string, string>();
  for (const text of values) {
    const eq = text.indexOf('=');
    const name = eq === -1 ? text : text.slice(0, eq);
    if (name === '') {
      throw new BuildError(flag === '--build-arg' ? 'INVALID_BUILD_ARG' : 'USAGE', `invalid ${flag} ${JSON.stringify(text)}: the name is empty`, {
        hint: `write ${flag} NAME=value`,
      });
    }
    const value = eq !== -1 ? text.slice(eq + 1) : fromEnv ? process.env[name] : '';
    if (value !== undefined) pairs.set(name, value);
  }
  return pairs;
}

async function runBuild(program: Command, contextDir: string, options: BuildCommandOptions): Promise<void> {
  const [{ writeFile }, { BuildError }, oci, progress, solve, { resolveStateRoot }, { openStore }] = await Promise.all([
    import('node:fs/promises'),
    import('../../errors/index.js'),
    import('../../oci/index.js'),
    import('../progress/index.js'),
    import('../../solve/index.js'),
    import('../state-root.js'),
    import('../../store/index.js'),
  ]);
  const usage = (message: string, hint?: string): never => {
    throw new BuildError('USAGE', message, hint === undefined ? {} : { hint });
  };
  const mode = options.quiet === true ? 'quiet' : progress.parseProgressMode(options.progress);
  if (options.network !== 'host' && options.network !== 'none' && options.network !== 'default') {
    usage(`invalid --network ${JSON.stringify(options.network)}`, 'use host or none');
  }
  const network = options.network === 'none' ? 'none' : 'host';
  let jobs: number | undefined;
  if (options.jobs !== undefined) {
    jobs = Number(options.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) usage(`invalid --jobs ${JSON.stringify(options.jobs)}`, 'give a whole number of at least 1');
  }
  const platform = options.platform === undefined ? undefined : oci.parsePlatform(options.platform);
  if (options.platform !== undefined && platform === undefined) usage(`invalid --platform ${JSON.stringify(options.platform)}`, 'use os/arch[/variant], e.g. linux/amd64');
  for (const tag of options.tag) oci.parseReference(tag);
  const outputs = options.output.map((spec) => solve.parseOutputSpec(spec));
  if (options.push === true) outputs.push({ type: 'image', names: [], push: true });
  if (outputs.some((o) => o.type === 'image' && o.push) && options.tag.length === 0 && !outputs.some((o) => 'names' in o && o.names.length > 0)) {
    usage('--push needs a name for the image', 'add -t REGISTRY/NAME:TAG');
  }
  const allow = (await import('../build-allow-options.js')).parseAllowOptions(options.allow);
  const buildSecrets =
    options.secret.length + options.ssh.length > 0
      ? await (await import('../build-secret-options.js')).openBuildSecrets(options.secret, options.ssh, { env: process.env, cwd: process.cwd() })
      : {};
  const buildArgs = await parsePairs(options.buildArg, '--build-arg', true);
  const labels = await parsePairs(options.label, '--label', false);
  // SOURCE_DATE_EPOCH: from --build-arg, else the environment (as buildx passes it on).
  const epochEnv = process.env['SOURCE_DATE_EPOCH'];
  if (!buildArgs.has('SOURCE_DATE_EPOCH') && epochEnv !== undefined && epochEnv !== '') buildArgs.set('SOURCE_DATE_EPOCH', epochEnv);
  const epochText = buildArgs.get('SOURCE_DATE_EPOCH');
  const sourceDateEpoch = epochText === undefined || epochText === '' ? undefined : Number(epochText);
  if (sourceDateEpoch !== undefined && (!Number.isInteger(sourceDateEpoch) || sourceDateEpoch < 0)) {
    usage(`invalid SOURCE_DATE_EPOCH ${JSON.stringify(epochText)}`, 'give seconds since 1970-01-01 UTC, e.g. $(git log -1 --format=%ct)');
  }

  const { parseBuildContextOptions } = await import('../build-context-options.js');
  const namedContexts = parseBuildContextOptions(options.buildContext);
  const input = await readBuildInput(contextDir, options.file, {
    contextHint: 'give the build context directory as the last argument',
  });

  const store = await openStore(resolveStateRoot(program.opts<{ root?: string }>().root, process.env));
  // registry settings (and the registry client) are loaded only if an image is pulled or pushed
  let settingsPromise: Promise<RegistrySettings> | undefined;
  const settings = (): Promise<RegistrySettings> => {
    settingsPromise ??= import('../../registry/index.js').then((registry) =>
      registry.loadRegistrySettings(process.env, options.registriesConf === undefined ? {} : { registriesConf: options.registriesConf }),
    );
    return settingsPromise;
  };
  const renderer = progress.createProgressRenderer(mode, {
    stdout: process.stdout,
    stderr: process.stderr,
    isTTY: process.stderr.isTTY,
    columns: process.stderr.columns,
    rows: process.stderr.rows,
    env: process.env,
  });
  const controller = new AbortController();
  let interrupts = 0;
  const stop = (): void => {
    interrupts++;
    // A second Ctrl-C while the first one is still cleaning up leaves at once.
    if (interrupts > 1) process.exit(130);
    controller.abort();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const result = await solve.build(
      {
        dockerfile: input.text,
        dockerfilePath: input.dockerfilePath,
        contextDir: input.contextDir,
        ...(namedContexts.size > 0 ? { namedContexts } : {}),
        ...(input.fromArchive ? { contextFromArchive: true } : {}),
        buildArgs,
        labels,
        network,
        allow,
        ...buildSecrets,
        noCache: !options.cache,
        pull: options.pull === true,
        tags: options.tag,
        ...(options.target !== undefined ? { target: options.target } : {}),
        ...(platform !== undefined ? { platform } : {}),
        ...(sourceDateEpoch !== undefined ? { sourceDateEpoch } : {}),
      },
      { store, events: renderer.sink, signal: controller.signal, registry: settings, ...(jobs !== undefined ? { jobs } : {}) },
    );
    await solve.writeOutputs(result, outputs, {
      store,
      tags: options.tag,
      registry: settings,
      stdout: process.stdout,
      events: renderer.sink,
      signal: controller.signal,
    });
    if (options.iidfile !== undefined) await writeFile(options.iidfile, result.configDigest);
    await renderer.finish();
    if (renderer.mode === 'tty' || renderer.mode === 'plain') process.stderr.write(solve.formatBuildSummary(result));
  } catch (err) {
    await renderer.finish();
    throw err;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await input.release();
  }
}
