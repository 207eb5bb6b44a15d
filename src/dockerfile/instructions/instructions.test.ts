import { describe, expect, it } from 'vitest';
import { buildErrorOf, commandOf, whereOf } from './test-support.js';

const SEC = 1_000_000_000;

describe('each instruction, parsed from Dockerfile text', () => {
  it.each([
    ['RUN echo $HOME && ls', { kind: 'run', command: { args: ['echo $HOME && ls'], prependShell: true, files: [] } }],
    ['RUN ["echo", "$HOME"]', { kind: 'run', command: { args: ['echo', '$HOME'], prependShell: false } }],
    ['RUN true', { network: 'default', security: 'sandbox', mounts: [], flagsUsed: [] }],
    ['RUN --network=host --security=insecure true', { network: 'host', security: 'insecure', flagsUsed: ['network', 'security'] }],
    ['RUN --network=none true', { network: 'none' }],
    ['RUN --network=default true', { network: 'default', flagsUsed: ['network'] }],
    ['CMD ["node", "app.js"]', { kind: 'cmd', command: { args: ['node', 'app.js'], prependShell: false } }],
    ['CMD node app.js', { kind: 'cmd', command: { args: ['node app.js'], prependShell: true } }],
    ['CMD []', { kind: 'cmd', command: { args: [], prependShell: false } }],
    ['ENTRYPOINT ["/entry.sh"]', { kind: 'entrypoint', command: { args: ['/entry.sh'], prependShell: false } }],
    ['ENTRYPOINT exec top -b', { kind: 'entrypoint', command: { args: ['exec top -b'], prependShell: true } }],
    ['ENTRYPOINT []', { kind: 'entrypoint', command: { args: [], prependShell: false } }],
    ['SHELL ["/bin/bash", "-eo", "pipefail", "-c"]', { kind: 'shell', shell: ['/bin/bash', '-eo', 'pipefail', '-c'] }],
    ['LABEL a=b "c d"=e', { kind: 'label', labels: [{ key: 'a', value: 'b', noDelimiter: false }, { key: '"c d"', value: 'e', noDelimiter: false }] }],
    ['MAINTAINER Jane <jane@example.com>', { kind: 'maintainer', maintainer: 'Jane <jane@example.com>' }],
    ['EXPOSE 8080 80/tcp 443 53/udp', { kind: 'expose', ports: ['443', '53/udp', '80/tcp', '8080'] }],
    ['ENV a=1 b="2 3"', { kind: 'env', env: [{ key: 'a', value: '1', noDelimiter: false }, { key: 'b', value: '"2 3"', noDelimiter: false }] }],
    ['ENV PATH /usr/local/bin:$PATH', { kind: 'env', env: [{ key: 'PATH', value: '/usr/local/bin:$PATH', noDelimiter: true }] }],
    ['VOLUME ["/data", " /logs "]', { kind: 'volume', volumes: ['/data', '/logs'] }],
    ['VOLUME /a /b', { kind: 'volume', volumes: ['/a', '/b'] }],
    ['USER app:app', { kind: 'user', user: 'app:app' }],
    ['USER ${UID}', { kind: 'user', user: '${UID}' }],
    ['WORKDIR /srv/$APP', { kind: 'workdir', path: '/srv/$APP' }],
    ['ARG VERSION=1.2 TARGETOS', { kind: 'arg', args: [{ key: 'VERSION', value: '1.2' }, { key: 'TARGETOS', value: undefined }] }],
    ['ARG EMPTY=', { kind: 'arg', args: [{ key: 'EMPTY', value: '' }] }],
    ['ARG A=b=c', { kind: 'arg', args: [{ key: 'A', value: 'b=c' }] }],
    ['STOPSIGNAL SIGKILL', { kind: 'stopsignal', signal: 'SIGKILL' }],
    ['STOPSIGNAL --ignored SIGTERM', { kind: 'stopsignal', signal: 'SIGTERM' }],
    ['ARG --ignored X', { kind: 'arg', args: [{ key: 'X' }] }],
  ])('%s', (line, expected) => {
    expect(commandOf(line)).toMatchObject(expected);
  });

  it('keeps the syntax node and range on every instruction', () => {
    const cmd = commandOf('USER nobody');
    expect(cmd.node.keyword).toBe('user');
    expect(cmd.range.start).toEqual({ line: 2, column: 1 });
  });
});

describe('COPY and ADD', () => {
  it.each([
    ['COPY a b /dst/', { kind: 'copy', sources: ['a', 'b'], destination: '/dst/', contents: [], from: undefined, link: false, parents: false, exclude: [] }],
    ['COPY ["a b", "/dst dir/"]', { sources: ['a b'], destination: '/dst dir/' }],
    [
      'COPY --from=builder --chown=1000:1000 --chmod=0755 --link --parents --exclude=*.md --exclude=tmp/ src/ /app/',
      { from: 'builder', chown: '1000:1000', chmod: '0755', link: true, parents: true, exclude: ['*.md', 'tmp/'], sources: ['src/'], destination: '/app/' },
    ],
    ['COPY --link=false --from= a b', { link: false, from: undefined }],
    ['COPY --from="my stage" a b', { from: 'my stage' }],
    ['ADD https://example.com/x.tgz /x/', { kind: 'add', sources: ['https://example.com/x.tgz'], destination: '/x/', keepGitDir: undefined, unpack: undefined, checksum: undefined }],
    [
      'ADD --chown=app --chmod=644 --link --checksum=sha256:abc --keep-git-dir=true --unpack --exclude=.git a.tar /x',
      { chown: 'app', chmod: '644', link: true, checksum: 'sha256:abc', keepGitDir: true, unpack: true, exclude: ['.git'] },
    ],
    ['ADD --keep-git-dir=false --unpack=false a /x', { keepGitDir: false, unpack: false }],
  ])('%s', (line, expected) => {
    expect(commandOf(line)).toMatchObject(expected);
  });
});

describe('HEALTHCHECK', () => {
  it.each([
    ['HEALTHCHECK NONE', { test: ['NONE'], interval: 0, timeout: 0, startPeriod: 0, startInterval: 0, retries: 0 }],
    ['HEALTHCHECK --interval=5s NONE', { test: ['NONE'], interval: 0 }],
    ['HEALTHCHECK CMD curl -f http://localhost/', { test: ['CMD-SHELL', 'curl -f http://localhost/'] }],
    ['HEALTHCHECK cmd ["curl", "-f", "x"]', { test: ['CMD', 'curl', '-f', 'x'] }],
    [
      'HEALTHCHECK --interval=30s --timeout=1m30s --start-period=1.5s --start-interval=100ms --retries=3 CMD true',
      { interval: 30 * SEC, timeout: 90 * SEC, startPeriod: 1.5 * SEC, startInterval: 100_000_000, retries: 3 },
    ],
    ['HEALTHCHECK --start-period=0s --start-interval=0 --interval=5s --timeout=0s --retries=0 CMD ["foo"]', { interval: 5 * SEC, timeout: 0, startPeriod: 0, retries: 0 }],
    ['HEALTHCHECK --retries=+2 --interval=1ms CMD x', { retries: 2, interval: 1_000_000 }],
  ])('%s', (line, health) => {
    expect(commandOf(line)).toMatchObject({ kind: 'healthcheck', health });
  });
});

describe('located errors', () => {
  it.each([
    // line after FROM, code, message, hint, line:column
    ['COPY --frm=a b c', 'UNKNOWN_FLAG', 'unknown flag: --frm', 'did you mean --from?', '2:6'],
    ['COPY  --link  --chonw=1 b c', 'UNKNOWN_FLAG', 'unknown flag: --chonw', 'did you mean --chown?', '2:15'],
    ['ADD --excldue=x a b', 'UNKNOWN_FLAG', 'unknown flag: --excldue', 'did you mean --exclude?', '2:5'],
    ['RUN --mont=type=cache,target=/x true', 'UNKNOWN_FLAG', 'unknown flag: --mont', 'did you mean --mount?', '2:5'],
    ['FROM --platfrom=linux/amd64 x', 'UNKNOWN_FLAG', 'unknown flag: --platfrom', 'did you mean --platform?', '2:6'],
    ['HEALTHCHECK --intervall=5s CMD x', 'UNKNOWN_FLAG', 'unknown flag: --intervall', 'did you mean --interval?', '2:13'],
    ['ENV --from=x a=b', 'UNKNOWN_FLAG', 'unknown flag: --from', undefined, '2:5'],
    ['COPY --from=a --from=b x y', 'DUPLICATE_FLAG', 'duplicate flag specified: --from', undefined, '2:15'],
    ['COPY --link=maybe a b', 'INVALID_FLAG_VALUE', 'expecting boolean value for flag --link, not: maybe', undefined, '2:6'],
    ['COPY --from a b', 'INVALID_FLAG_VALUE', 'missing a value on flag: --from', undefined, '2:6'],
    ['COPY onlyone', 'MISSING_ARGUMENT', 'COPY requires at least two arguments, but only one was provided. Destination could not be determined', undefined, '2:1'],
    ['ADD x', 'MISSING_ARGUMENT', 'ADD requires at least two arguments, but only one was provided. Destination could not be determined', undefined, '2:1'],
    ['COPY a <<EOF\nx\nEOF', 'INVALID_INSTRUCTION', 'COPY cannot accept a heredoc as a destination', undefined, '2:1'],
    ['USER', 'MISSING_ARGUMENT', 'USER requires exactly one argument', undefined, '2:1'],
    ['WORKDIR', 'MISSING_ARGUMENT', 'WORKDIR requires exactly one argument', undefined, '2:1'],
    ['MAINTAINER', 'MISSING_ARGUMENT', 'MAINTAINER requires exactly one argument', undefined, '2:1'],
    ['STOPSIGNAL', 'MISSING_ARGUMENT', 'STOPSIGNAL requires exactly one argument', undefined, '2:1'],
    ['EXPOSE', 'MISSING_ARGUMENT', 'EXPOSE requires at least one argument', undefined, '2:1'],
    ['VOLUME', 'MISSING_ARGUMENT', 'VOLUME requires at least one argument', undefined, '2:1'],
    ['VOLUME [""]', 'INVALID_INSTRUCTION', 'VOLUME specified can not be an empty string', undefined, '2:1'],
    ['LABEL', 'MISSING_ARGUMENT', 'LABEL requires at least one argument', undefined, '2:1'],
    ['ENV =x', 'INVALID_INSTRUCTION', 'ENV names can not be blank', undefined, '2:1'],
    ['ARG', 'MISSING_ARGUMENT', 'ARG requires at least one argument', undefined, '2:1'],
    ['ARG =x', 'INVALID_INSTRUCTION', 'ARG names can not be blank', undefined, '2:1'],
    ['SHELL []', 'MISSING_ARGUMENT', 'SHELL requires at least one argument', undefined, '2:1'],
    ['SHELL /bin/sh -c', 'INVALID_INSTRUCTION', 'SHELL requires the arguments to be in JSON form', 'write it as an array: SHELL ["/bin/sh","-c"]', '2:1'],
    ['ONBUILD', 'MISSING_ARGUMENT', 'ONBUILD requires at least one argument', undefined, '2:1'],
    ['ONBUILD FROM x', 'INVALID_INSTRUCTION', "FROM isn't allowed as an ONBUILD trigger", undefined, '2:1'],
    ['ONBUILD maintainer me', 'INVALID_INSTRUCTION', "MAINTAINER isn't allowed as an ONBUILD trigger", undefined, '2:1'],
    ['FROM', 'MISSING_ARGUMENT', 'FROM requires either one or three arguments', 'write FROM <image> or FROM <image> AS <name>', '2:1'],
    ['FROM a b', 'INVALID_INSTRUCTION', 'FROM requires either one or three arguments', 'write FROM <image> or FROM <image> AS <name>', '2:1'],
    ['FROM a AS b c', 'INVALID_INSTRUCTION', 'FROM requires either one or three arguments', 'write FROM <image> or FROM <image> AS <name>', '2:1'],
    ['FROM a FOR b', 'INVALID_INSTRUCTION', 'FROM requires either one or three arguments', 'write FROM <image> or FROM <image> AS <name>', '2:1'],
    ['FROM a AS 1st', 'INVALID_STAGE_NAME', 'invalid name for build stage: "1st", name can\'t start with a number or contain symbols', 'stage names start with a letter and contain only letters, digits, "-", "_" and "."', '2:1'],
    ['FROM a AS my/stage', 'INVALID_STAGE_NAME', 'invalid name for build stage: "my/stage", name can\'t start with a number or contain symbols', 'stage names start with a letter and contain only letters, digits, "-", "_" and "."', '2:1'],
    ['RUN --network=bridge true', 'INVALID_FLAG_VALUE', 'invalid network mode "bridge"', 'use one of: default, none, host', '2:5'],
    ['RUN --network= true', 'INVALID_FLAG_VALUE', 'invalid network mode ""', 'use one of: default, none, host', '2:5'],
    ['RUN --network=HOST true', 'INVALID_FLAG_VALUE', 'invalid network mode "HOST"', 'use one of: default, none, host', '2:5'],
    ['RUN --security=privileged true', 'INVALID_FLAG_VALUE', 'security "privileged" is not valid', 'use one of: sandbox, insecure', '2:5'],
    ['HEALTHCHECK', 'MISSING_ARGUMENT', 'HEALTHCHECK requires at least one argument', undefined, '2:1'],
    ['HEALTHCHECK NONE x', 'INVALID_INSTRUCTION', 'HEALTHCHECK NONE takes no arguments', undefined, '2:1'],
    ['HEALTHCHECK CONNECT TCP 7000', 'INVALID_INSTRUCTION', 'Unknown type "CONNECT" in HEALTHCHECK (try CMD)', 'write HEALTHCHECK CMD <command> or HEALTHCHECK NONE', '2:1'],
    ['HEALTHCHECK CMD', 'MISSING_ARGUMENT', 'Missing command after HEALTHCHECK CMD', undefined, '2:1'],
    ['HEALTHCHECK --interval=5 CMD x', 'INVALID_FLAG_VALUE', 'time: missing unit in duration "5"', undefined, '2:13'],
    ['HEALTHCHECK --timeout=5d CMD x', 'INVALID_FLAG_VALUE', 'time: unknown unit "d" in duration "5d"', undefined, '2:13'],
    ['HEALTHCHECK --interval=500us CMD x', 'INVALID_FLAG_VALUE', 'Interval "interval" cannot be less than 1ms', undefined, '2:13'],
    ['HEALTHCHECK --start-period=-1s CMD x', 'INVALID_FLAG_VALUE', 'Interval "start-period" cannot be less than 1ms', undefined, '2:13'],
    ['HEALTHCHECK --retries=-1 CMD x', 'INVALID_FLAG_VALUE', '--retries cannot be negative (-1)', undefined, '2:13'],
    ['HEALTHCHECK --retries=three CMD x', 'INVALID_FLAG_VALUE', 'strconv.ParseInt: parsing "three": invalid syntax', undefined, '2:13'],
    ['HEALTHCHECK --retries=2147483648 CMD x', 'INVALID_FLAG_VALUE', 'strconv.ParseInt: parsing "2147483648": value out of range', undefined, '2:13'],
  ])('%s -> %s', (line, code, message, hint, where) => {
    const error = buildErrorOf(() => commandOf(line));
    expect(error.code).toBe(code);
    expect(error.message).toBe(message);
    expect(error.hint).toBe(hint);
    expect(whereOf(error)).toBe(where);
  });

  it('locates a flag error on a continuation line', () => {
    const error = buildErrorOf(() => commandOf('COPY --link \\\n    --chmod=755 \\\n      --form=x a b'));
    expect(error.code).toBe('UNKNOWN_FLAG');
    expect(error.hint).toBe('did you mean --from?');
    expect(whereOf(error)).toBe('4:7');
  });
});
