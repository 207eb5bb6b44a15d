import { describe, expect, it } from 'vitest';
import { formatDiagnosticsJson, formatDiagnosticsText, summarize } from './format.js';
import { lintDockerfile } from './lint-dockerfile.js';

const SOURCE = 'FROM scratch\nMAINTAINER me\nCMD run\n';

describe('formatDiagnosticsText', () => {
  it('prints location, severity, message, rule, a code frame and the docs', () => {
    const found = lintDockerfile(SOURCE, { file: 'Dockerfile', advice: false });
    expect(formatDiagnosticsText(found, { source: SOURCE })).toBe(
      [
        "Dockerfile:2:1: warning: Maintainer instruction is deprecated in favor of using label [MaintainerDeprecated]",
        ' --------------------',
        '    1 |     FROM scratch',
        '    2 | >>> MAINTAINER me',
        '    3 |     CMD run',
        ' --------------------',
        ' https://docs.docker.com/go/dockerfile/rule/maintainer-deprecated/',
        '',
        'Dockerfile:3:1: warning: JSON arguments recommended for CMD to prevent unintended behavior related to OS signals [JSONArgsRecommended]',
        ' --------------------',
        '    2 |     MAINTAINER me',
        '    3 | >>> CMD run',
        ' --------------------',
        ' https://docs.docker.com/go/dockerfile/rule/json-args-recommended/',
        '',
        '2 warnings',
        '',
      ].join('\n'),
    );
  });

  it('says so when there is nothing to report', () => {
    expect(formatDiagnosticsText([])).toBe('no problems found\n');
  });

  it('counts by severity', () => {
    const found = lintDockerfile(`# check=error=true\nFROM node:18\nMAINTAINER me\nCMD run\n`);
    expect(summarize(found)).toBe('2 errors, 1 advice');
  });
});

describe('formatDiagnosticsJson', () => {
  it('is an array of the diagnostics', () => {
    const found = lintDockerfile(SOURCE, { advice: false });
    const parsed = JSON.parse(formatDiagnosticsJson(found)) as unknown[];
    expect(parsed).toEqual(JSON.parse(JSON.stringify(found)));
    expect(parsed[0]).toMatchObject({ rule: 'MaintainerDeprecated', severity: 'warning', range: { start: { line: 2 } } });
  });
});
