import { describe, expect, it } from 'vitest';
import { BuildError, spanRange } from '../../errors/index.js';
import type { Mount, ResolvedMount } from './mount.js';
import { parseMount } from './parse-mount.js';
import { resolveMountDefaults, resolveRunMount, resolveRunMounts } from './resolve-mount.js';
import type { RunInstruction } from './run.js';
import { buildErrorOf, commandOf, whereOf } from './test-support.js';

const RANGE = spanRange(3, 5, 20);
const mountOf = (text: string): Mount => parseMount(text, { range: RANGE });
const BIND: Mount = {
  type: 'bind', from: undefined, source: undefined, target: undefined, readOnly: true, sizeLimit: undefined,
  id: undefined, sharing: undefined, required: false, env: undefined, mode: undefined, uid: undefined, gid: undefined,
};

function runOf(line: string): RunInstruction {
  const command = commandOf(line);
  if (command.kind !== 'run') throw new Error('not a RUN');
  return command;
}

describe('parseMount (BuildKit rules, checked against its parser)', () => {
  it.each<[string, Partial<Mount>]>([
    ['target=/src', { type: 'bind', target: '/src', readOnly: true }],
    ['type=bind,source=/a,target=/b,rw', { source: '/a', target: '/b', readOnly: false }],
    ['type=bind,src=a,dst=b,from=builder', { source: 'a', target: 'b', from: 'builder', readOnly: true }],
    ['type=bind,destination=/d,readwrite=true', { target: '/d', readOnly: false }],
    ['type=bind,target=/d,rw=false', { readOnly: true }],
    ['type=bind,target=/d,ro=0', { readOnly: false }],
    ['Type=CACHE,Target=/root/.cache', { type: 'cache', target: '/root/.cache', readOnly: false }],
    ['type=cache,target=/c,id=npm,sharing=locked,mode=0700,uid=1000,gid=1000', { type: 'cache', id: 'npm', sharing: 'locked', mode: 0o700, uid: 1000, gid: 1000 }],
    ['type=cache,target=/c,sharing=PRIVATE,ro', { sharing: 'private', readOnly: true }],
    ['type=cache,target=/c,from=deps,source=/cache', { from: 'deps', source: '/cache' }],
    ['type=tmpfs,target=/t', { type: 'tmpfs', readOnly: false, sizeLimit: undefined }],
    ['type=tmpfs,target=/t,size=64m', { sizeLimit: 64 * 1024 * 1024 }],
    ['type=secret,id=token', { type: 'secret', id: 'token', readOnly: true, required: false }],
    ['type=secret,id=aws,target=/root/.aws/credentials,required', { target: '/root/.aws/credentials', required: true }],
    ['type=secret,id=tok,env=TOKEN,required=false', { env: 'TOKEN', required: false }],
    ['type=secret,source=s', { source: 's' }],
    ['type=secret,id=x,mode=0440,uid=1,gid=2', { mode: 0o440, uid: 1, gid: 2 }],
    ['type=ssh', { type: 'ssh', readOnly: true, id: undefined }],
    ['type=ssh,id=github,required=true,target=/agent', { id: 'github', required: true, target: '/agent' }],
    ['type=bind,source=,target=/x,from=', { source: undefined, from: undefined, target: '/x' }],
    ['"target=/a,b",type=bind', { target: '/a,b' }],
  ])('%s', (text, expected) => {
    expect(mountOf(text)).toMatchObject(expected);
  });

  it('leaves options not written undefined', () => {
    expect(mountOf('target=/src')).toEqual({ ...BIND, target: '/src' });
    expect(mountOf('type=cache,target=/c')).toEqual({ ...BIND, type: 'cache', target: '/c', readOnly: false });
  });

  it.each([
    ['type=cahce,target=/x', 'unsupported mount type "cahce"', 'did you mean cache?'],
    ['type=volume,target=/x', 'unsupported mount type "volume"', undefined],
    ['type=cache,target=/x,sharing=lockd', 'unsupported sharing value "lockd"', 'did you mean locked?'],
    ['type=cache,taget=/x', "unexpected key 'taget' in 'taget=/x'", 'did you mean target?'],
    ['type=cache,target=/x,foo', "invalid field 'foo' must be a key=value pair", undefined],
    ['type=bind,target=/x,', "invalid field '' must be a key=value pair", undefined],
    ['type=cache, target=/x', "unexpected key ' target' in ' target=/x'", 'did you mean target?'],
    ['required,type=secret,id=a', "unexpected key 'required' for mount type 'bind'", undefined],
    ['type=cache,target=/x,required=true', "unexpected key 'required' for mount type 'cache'", undefined],
    ['type=bind,target=/x,size=1m', "unexpected key 'size' for mount type 'bind'", undefined],
    ['type=tmpfs,target=/x,size=lots', 'invalid value for size: lots', undefined],
    ['type=bind,target=/x,ro=maybe', 'invalid value for ro: maybe', undefined],
    ['type=secret,id=a,required=yes', 'invalid value for required: yes', undefined],
    ['type=cache,target=/x,mode=0999', 'invalid value 0999 for mode', undefined],
    ['type=cache,target=/x,uid=-1', 'invalid value -1 for uid', undefined],
    ['type=cache,target=/x,gid=4294967296', 'invalid value 4294967296 for gid', undefined],
    ['type=bind,target=/x,mode=0600', 'mode not allowed for "bind" type mounts', undefined],
    ['type=tmpfs,target=/x,uid=0', 'uid not allowed for "tmpfs" type mounts', undefined],
    ['type=secret,id=a,from=stage', 'secret mount should not have a from', undefined],
    ['type=secret,id=a,sharing=shared', 'secret mount should not define sharing', undefined],
    ['type=secret', 'invalid secret mount. one of source, target required', 'add id=<secret id> or target=<path>'],
    ['type=secret,source=a,id=b', "both source and id can't be set", undefined],
    ['type=bind,target=/x,sharing=shared', 'invalid cache sharing set for bind mount', undefined],
    ['', 'failed to parse csv mounts: EOF', undefined],
    ['type=bind,target="/x"', 'failed to parse csv mounts: parse error on line 1, column 18: bare " in non-quoted-field', undefined],
  ])('%j -> %s', (text, message, hint) => {
    const error = buildErrorOf(() => mountOf(text));
    expect(error.code).toBe('INVALID_FLAG_VALUE');
    expect(error.message).toBe(message);
    expect(error.hint).toBe(hint);
    expect(error.details).toEqual({ flag: '--mount', value: text });
    expect(error.locations).toEqual([RANGE]);
  });

  it('expands values (not keys) before reading them', () => {
    const env: Record<string, string> = { T: 'cache', DIR: '/root/.npm', U: '1000' };
    const expand = (w: string): string => w.replace(/\$(\w+)/g, (_, name: string) => env[name] ?? '');
    const mount = parseMount('type=$T,target=$DIR,uid=$U', { range: RANGE, expand });
    expect(mount).toMatchObject({ type: 'cache', target: '/root/.npm', uid: 1000 });
  });
});

describe('RUN --mount', () => {
  it('parses each mount now when it has no variables, locating it at its flag', () => {
    const run = runOf('RUN --mount=type=cache,target=/var/cache/apt --mount=type=secret,id=tok apt-get update');
    expect(run.mounts.map((m) => m.text)).toEqual(['type=cache,target=/var/cache/apt', 'type=secret,id=tok']);
    expect(run.mounts.map((m) => m.mount?.type)).toEqual(['cache', 'secret']);
    expect(run.mounts.map((m) => `${m.range.start.line}:${m.range.start.column}`)).toEqual(['2:5', '2:46']);
  });

  it('defers a mount with variables to plan time, but rejects a variable in from=', () => {
    const run = runOf('RUN --mount=type=cache,target=$DIR,uid=$UID true');
    expect(run.mounts[0]?.mount).toBeUndefined();
    const resolved = resolveRunMount(run.mounts[0]!, { expand: (w) => w.replace('$DIR', '/c').replace('$UID', '7') });
    expect(resolved).toMatchObject({ type: 'cache', target: '/c', uid: 7 });
    const error = buildErrorOf(() => runOf('RUN --mount=from=$STAGE,target=/x true'));
    expect(error.message).toBe("'from' doesn't support variable expansion, define alias stage instead");
    expect(whereOf(error)).toBe('2:5');
    expect(runOf('RUN --mount=from=x$,target=/x true').mounts[0]?.mount).toBeUndefined();
  });

  it('reports a bad mount at its flag, with a hint', () => {
    const error = buildErrorOf(() => runOf('RUN --network=none --mount=type=cach,target=/x true'));
    expect(error.code).toBe('INVALID_FLAG_VALUE');
    expect(error.hint).toBe('did you mean cache?');
    expect(whereOf(error)).toBe('2:20');
  });

  it('reports an expansion error at the mount flag', () => {
    const run = runOf('RUN --mount=type=cache,target=${DIR:?no dir} true');
    const error = buildErrorOf(() =>
      resolveRunMount(run.mounts[0]!, {
        expand: () => {
          throw new BuildError('EXPANSION_FAILED', 'DIR: no dir');
        },
      }),
    );
    expect(error.code).toBe('EXPANSION_FAILED');
    expect(whereOf(error)).toBe('2:5');
  });
});

describe('mount defaults (BuildKit dispatch)', () => {
  it.each<[string, ResolvedMount]>([
    ['target=/src', { type: 'bind', from: undefined, source: '/', target: '/src', readOnly: true }],
    ['type=bind,source=a/../b/,target=x,rw', { type: 'bind', from: undefined, source: '/b', target: 'x', readOnly: false }],
    ['type=cache,target=/root/.cache/', {
      type: 'cache', from: undefined, source: '/', target: '/root/.cache/', readOnly: false, id: '/root/.cache',
      sharing: 'shared', uid: 0, gid: 0, mode: 0o755, ownerSet: false,
    }],
    ['type=cache,target=/c,id=npm,sharing=locked,uid=1000', {
      type: 'cache', from: undefined, source: '/', target: '/c', readOnly: false, id: 'npm', sharing: 'locked',
      uid: 1000, gid: 0, mode: 0o755, ownerSet: true,
    }],
    ['type=tmpfs,target=/t,size=1g', { type: 'tmpfs', target: '/t', readOnly: false, sizeLimit: 1024 ** 3 }],
    ['type=secret,id=token', { type: 'secret', id: 'token', target: '/run/secrets/token', env: undefined, required: false, uid: 0, gid: 0, mode: 0o400 }],
    ['type=secret,target=/etc/aws/credentials', { type: 'secret', id: 'credentials', target: '/etc/aws/credentials', env: undefined, required: false, uid: 0, gid: 0, mode: 0o400 }],
    ['type=secret,source=npmrc,required', { type: 'secret', id: 'npmrc', target: '/run/secrets/npmrc', env: undefined, required: true, uid: 0, gid: 0, mode: 0o400 }],
    ['type=secret,id=tok,env=TOKEN', { type: 'secret', id: 'tok', target: undefined, env: 'TOKEN', required: false, uid: 0, gid: 0, mode: 0o400 }],
    ['type=secret,id=tok,env=TOKEN,target=/t', { type: 'secret', id: 'tok', target: '/t', env: 'TOKEN', required: false, uid: 0, gid: 0, mode: 0o400 }],
    ['type=ssh', { type: 'ssh', id: 'default', target: '/run/buildkit/ssh_agent.0', required: false, uid: 0, gid: 0, mode: 0o600 }],
    ['type=ssh,id=gh,mode=0666', { type: 'ssh', id: 'gh', target: '/run/buildkit/ssh_agent.0', required: false, uid: 0, gid: 0, mode: 0o666 }],
  ])('%s', (text, expected) => {
    expect(resolveMountDefaults(mountOf(text))).toEqual(expected);
  });

  it('numbers ssh sockets per RUN and rejects ssh sources', () => {
    const run = runOf('RUN --mount=type=ssh --mount=type=cache,target=/c --mount=type=ssh,id=b true');
    const resolved = resolveRunMounts(run);
    expect(resolved.map((m) => (m.type === 'ssh' ? m.target : m.type))).toEqual([
      '/run/buildkit/ssh_agent.0',
      'cache',
      '/run/buildkit/ssh_agent.1',
    ]);
    const error = buildErrorOf(() => resolveRunMounts(runOf('RUN --mount=type=bind,target=/x --mount=type=ssh,source=a true')));
    expect(error.message).toBe('ssh does not support source');
    expect(whereOf(error)).toBe('2:33');
  });
});
