import type { Severity } from './diagnostic.js';

/** The build checks BuildKit runs (`docker build --check`), by their BuildKit names. */
export const BUILDKIT_RULE_IDS = [
  'StageNameCasing',
  'FromAsCasing',
  'NoEmptyContinuation',
  'ConsistentInstructionCasing',
  'DuplicateStageName',
  'ReservedStageName',
  'JSONArgsRecommended',
  'MaintainerDeprecated',
  'UndefinedArgInFrom',
  'WorkdirRelativePath',
  'UndefinedVar',
  'MultipleInstructionsDisallowed',
  'LegacyKeyValueFormat',
  'RedundantTargetPlatform',
  'SecretsUsedInArgOrEnv',
  'InvalidDefaultArgInFrom',
  'FromPlatformFlagConstDisallowed',
  'CopyIgnoredFile',
  'ExposeProtoCasing',
  'ExposeInvalidFormat',
] as const;

/** stagecraft's own multi-stage advice (not BuildKit rules). */
export const ADVICE_RULE_IDS = [
  'FinalStageToolchainBase',
  'CopyAllIntoFinalStage',
  'DevDependenciesInFinalStage',
  'MissingDockerignore',
  'StageReferencedByIndex',
  'UnusedStage',
] as const;

/** stagecraft's own checks on what it cannot honour. */
export const STAGECRAFT_RULE_IDS = ['UnsupportedSyntax'] as const;

export type BuildkitRuleId = (typeof BUILDKIT_RULE_IDS)[number];
export type AdviceRuleId = (typeof ADVICE_RULE_IDS)[number];
export type StagecraftRuleId = (typeof STAGECRAFT_RULE_IDS)[number];
export type RuleId = BuildkitRuleId | AdviceRuleId | StagecraftRuleId;

export interface LintRule {
  readonly id: RuleId;
  /** One line saying what the rule wants. */
  readonly description: string;
  /** Where the rule is documented. */
  readonly url: string;
  /**
   * The severity of a finding: `warning` for BuildKit's checks (`check=error=true` raises them to
   * `error`), `info` for advice (never raised: advice does not fail a build).
   */
  readonly severity: Severity;
  /**
   * `buildkit` for BuildKit's build checks, `advice` for stagecraft's multi-stage advice,
   * `stagecraft` for what stagecraft itself cannot honour.
   */
  readonly origin: 'buildkit' | 'advice' | 'stagecraft';
  /** Needs the build context (its listing or its .dockerignore), not only the Dockerfile. */
  readonly needsContext: boolean;
}

/** BuildKit's docs address for a rule: docs.docker.com/go/dockerfile/rule/<kebab-id>/. */
export function buildkitRuleUrl(id: string): string {
  const kebab = id
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
  return `https://docs.docker.com/go/dockerfile/rule/${kebab}/`;
}

function buildkit(id: BuildkitRuleId, description: string, needsContext = false): LintRule {
  return { id, description, url: buildkitRuleUrl(id), severity: 'warning', origin: 'buildkit', needsContext };
}

function advice(id: AdviceRuleId, description: string, url: string, needsContext = false): LintRule {
  return { id, description, url, severity: 'info', origin: 'advice', needsContext };
}

const MULTI_STAGE_DOCS = 'https://docs.docker.com/build/building/multi-stage/';

/** Every rule, by id: the data `check` prints and `# check=skip=` refers to. */
export const RULES: Readonly<Record<RuleId, LintRule>> = {
  StageNameCasing: buildkit('StageNameCasing', 'Stage names should be lowercase'),
  FromAsCasing: buildkit('FromAsCasing', "The 'as' keyword should match the case of the 'from' keyword"),
  NoEmptyContinuation: buildkit(
    'NoEmptyContinuation',
    'Empty continuation lines will become errors in a future release',
  ),
  ConsistentInstructionCasing: buildkit(
    'ConsistentInstructionCasing',
    'All commands within the Dockerfile should use the same casing (either upper or lower)',
  ),
  DuplicateStageName: buildkit('DuplicateStageName', 'Stage names should be unique'),
  ReservedStageName: buildkit('ReservedStageName', 'Reserved words should not be used as stage names'),
  JSONArgsRecommended: buildkit(
    'JSONArgsRecommended',
    'JSON arguments recommended for ENTRYPOINT/CMD to prevent unintended behavior related to OS signals',
  ),
  MaintainerDeprecated: buildkit(
    'MaintainerDeprecated',
    'The MAINTAINER instruction is deprecated, use a label instead to define an image author',
  ),
  UndefinedArgInFrom: buildkit('UndefinedArgInFrom', 'FROM command must use declared ARGs'),
  WorkdirRelativePath: buildkit(
    'WorkdirRelativePath',
    'Relative workdir without an absolute workdir declared within the build can have unexpected results if the base image changes',
  ),
  UndefinedVar: buildkit('UndefinedVar', 'Variables should be defined before their use'),
  MultipleInstructionsDisallowed: buildkit(
    'MultipleInstructionsDisallowed',
    'Multiple instructions of the same type should not be used in the same stage',
  ),
  LegacyKeyValueFormat: buildkit(
    'LegacyKeyValueFormat',
    'Legacy key/value format with whitespace separator should not be used',
  ),
  RedundantTargetPlatform: buildkit(
    'RedundantTargetPlatform',
    'Setting platform to predefined $TARGETPLATFORM in FROM is redundant as this is the default behavior',
  ),
  SecretsUsedInArgOrEnv: buildkit(
    'SecretsUsedInArgOrEnv',
    'Sensitive data should not be used in the ARG or ENV commands',
  ),
  InvalidDefaultArgInFrom: buildkit(
    'InvalidDefaultArgInFrom',
    'Default value for global ARG results in an empty or invalid base image name',
  ),
  FromPlatformFlagConstDisallowed: buildkit(
    'FromPlatformFlagConstDisallowed',
    'FROM --platform flag should not use a constant value',
  ),
  CopyIgnoredFile: buildkit(
    'CopyIgnoredFile',
    'Attempting to Copy file that is excluded by .dockerignore',
    true,
  ),
  ExposeProtoCasing: buildkit('ExposeProtoCasing', 'Protocol in EXPOSE instruction should be lowercase'),
  ExposeInvalidFormat: buildkit(
    'ExposeInvalidFormat',
    'IP address and host-port mapping should not be used in EXPOSE instruction. This will become an error in a future release',
  ),
  FinalStageToolchainBase: advice(
    'FinalStageToolchainBase',
    'The final stage should run on a runtime image, not on a full build-toolchain image',
    MULTI_STAGE_DOCS,
  ),
  CopyAllIntoFinalStage: advice(
    'CopyAllIntoFinalStage',
    'The final stage should not copy the whole build context',
    'https://docs.docker.com/build/building/best-practices/',
  ),
  DevDependenciesInFinalStage: advice(
    'DevDependenciesInFinalStage',
    'The final stage should not install development dependencies',
    'https://docs.npmjs.com/cli/commands/npm-ci#omit',
    true,
  ),
  MissingDockerignore: advice(
    'MissingDockerignore',
    'A context holding node_modules or .git should have a .dockerignore',
    'https://docs.docker.com/build/concepts/context/#dockerignore-files',
    true,
  ),
  StageReferencedByIndex: advice(
    'StageReferencedByIndex',
    'Stages should be referred to by name, not by index',
    `${MULTI_STAGE_DOCS}#name-your-build-stages`,
  ),
  UnsupportedSyntax: {
    id: 'UnsupportedSyntax',
    description: 'The syntax directive should name a docker/dockerfile 1.x frontend, the syntax stagecraft parses',
    url: 'https://docs.docker.com/build/buildkit/frontend/',
    severity: 'warning',
    origin: 'stagecraft',
    needsContext: false,
  },
  UnusedStage: advice(
    'UnusedStage',
    'Every stage should be the target or be needed by it',
    `${MULTI_STAGE_DOCS}#stop-at-a-specific-build-stage`,
  ),
};

const ALL_IDS: ReadonlySet<string> = new Set<string>([...BUILDKIT_RULE_IDS, ...ADVICE_RULE_IDS, ...STAGECRAFT_RULE_IDS]);

export function isRuleId(value: string): value is RuleId {
  return ALL_IDS.has(value);
}
