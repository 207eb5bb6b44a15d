import { describe, expect, it } from 'vitest';
import { findHeredocMarkers, parseHeredocMarker } from './heredoc.js';
import { parseDockerfile } from './index.js';
import type { HeredocNode } from './index.js';

type Expected = Pick<HeredocNode, 'name' | 'content' | 'expand' | 'chomp' | 'fileDescriptor'>;

function heredocsOf(instruction: string): Expected[] {
  const ast = parseDockerfile(`FROM a\n${instruction}`);
  expect(ast.instructions).toHaveLength(2);
  return (ast.instructions[1]?.heredocs ?? []).map((h) => ({
    name: h.name,
    content: h.content,
    expand: h.expand,
    chomp: h.chomp,
    fileDescriptor: h.fileDescriptor,
  }));
}

function doc(name: string, content: string, extra: Partial<Expected> = {}): Expected {
  return { name, content, expand: true, chomp: false, fileDescriptor: 0, ...extra };
}

describe('heredocs in instructions', () => {
  it.each<[string, Expected[]]>([
    ['RUN <<EMPTY\nEMPTY\n', [doc('EMPTY', '')]],
    ['RUN 3<<EMPTY2\nEMPTY2\n', [doc('EMPTY2', '', { fileDescriptor: 3 })]],
    ['RUN <<INDENT\n\tfoo\n\tbar\nINDENT\n', [doc('INDENT', '\tfoo\n\tbar\n')]],
    // `<<-`: tabs stripped from the body and before the terminator.
    ['RUN <<-UNINDENT\n\tbaz\n\tquux\nUNINDENT\n', [doc('UNINDENT', 'baz\nquux\n', { chomp: true })]],
    ['RUN <<-U2\n\tbaz\n\t\tquux\n\tU2\n', [doc('U2', 'baz\nquux\n', { chomp: true })]],
    ["RUN <<-'NOEXPAND'\n\tdon't $X\nNOEXPAND\n", [doc('NOEXPAND', "don't $X\n", { chomp: true, expand: false })]],
    ['RUN <<"Q"\n$X\nQ\n', [doc('Q', '$X\n', { expand: false })]],
    ['RUN <<COMMENT\n# internal\necho hi # trailing\nCOMMENT\n', [doc('COMMENT', '# internal\necho hi # trailing\n')]],
    ['RUN --mount=type=cache,target=/x <<MOUNT\necho hi\nMOUNT\n', [doc('MOUNT', 'echo hi\n')]],
    ['COPY <<F1 <<F2 /dest\none\nF1\ntwo\nF2\n', [doc('F1', 'one\n'), doc('F2', 'two\n')]],
    ['COPY <<X <<Y /dest\nY\nX\nX\nY\n', [doc('X', 'Y\n'), doc('Y', 'X\n')]],
    ['COPY <<EOF /q\n"foo"\n\'bar\'\nEOF\n', [doc('EOF', '"foo"\n\'bar\'\n')]],
    ['RUN <<COMPLEX python3\nprint(1)\nCOMPLEX\n', [doc('COMPLEX', 'print(1)\n')]],
    ['COPY <<file.txt /dest\nhello\nfile.txt\n', [doc('file.txt', 'hello\n')]],
    ["RUN <<eo'f'\nx\neof\n", [doc('eof', 'x\n', { expand: false })]],
    ["RUN <<eo\\'f\nx\neo'f\n", [doc("eo'f", 'x\n')]],
    ["RUN <<'e'o\\'f\nx\neo'f\n", [doc("eo'f", 'x\n', { expand: false })]],
    ["RUN <<'one two'\nx\none two\n", [doc('one two', 'x\n', { expand: false })]],
    ['RUN <<$EOF\n$EOF\n', [doc('$EOF', '')]],
    ['RUN <<  EOF\nEOF\n', [doc('EOF', '')]],
    ['RUN <<  EOF  > foo\nEOF\n', [doc('EOF', '')]],
    ['RUN cat <<EOF>out\nx\nEOF>out\n', [doc('EOF>out', 'x\n')]],
    ['ADD <<EOF /x\nEOF\n', [doc('EOF', '')]],
    ['ONBUILD RUN <<EOF\nx\nEOF\n', [doc('EOF', 'x\n')]],
    // CRLF: the body keeps its line endings; the terminator matches without them.
    ['RUN <<EOF\r\na\r\nEOF\r\n', [doc('EOF', 'a\r\n')]],
    // Not heredocs: quoted, JSON form, other instructions, `<<<`, several words after `<<`.
    ['RUN "<<NOHEREDOC"\n', []],
    ["RUN '<<EOF'\n", []],
    ['RUN ["<<EOF"]\n', []],
    ['ENV A=<<EOF\n', []],
    ['RUN <<<EOF\n', []],
    ['RUN << \n', []],
  ])('%j', (instruction, expected) => {
    expect(heredocsOf(instruction)).toEqual(expected);
  });

  it('keeps the escape character of the line for the heredoc word (always `\\`)', () => {
    const ast = parseDockerfile('# escape=`\nFROM a\nRUN <<E\\OF\nx\nEOF\n');
    expect(ast.instructions[1]?.heredocs.map((h) => h.name)).toEqual(['EOF']);
  });

  it('reads the heredoc line after joining continuations', () => {
    const ast = parseDockerfile('FROM a\nRUN <<A \\\n  <<B\na\nA\nb\nB\n');
    expect(ast.instructions[1]?.heredocs.map((h) => [h.name, h.content])).toEqual([
      ['A', 'a\n'],
      ['B', 'b\n'],
    ]);
    expect(ast.instructions[1]?.range.end.line).toBe(7);
  });
});

describe('parseHeredocMarker', () => {
  it.each(['<<EOF', "<<'EOF'", '<<"EOF"', '<<-EOF', "<<-'EOF'", '<<-"EOF"', '<<EO"F"', '<< EOF', '<<- EOF'])(
    '%s names EOF',
    (word) => {
      expect(parseHeredocMarker(word)?.name).toBe('EOF');
    },
  );

  it.each(['', 'EOF', '<<', '<<-', '<EOF', '<<<EOF', '<<EOF sh'])('%j is not a marker', (word) => {
    expect(parseHeredocMarker(word)).toBeUndefined();
  });

  it.each(["<<'EOF", '<<"EOF', "<<EOF'", '<<EOF"'])('%j has broken quoting', (word) => {
    expect(() => parseHeredocMarker(word)).toThrow(/unexpected end of statement/);
  });

  it('reads the file descriptor and chomp', () => {
    expect(parseHeredocMarker('12<<-X')).toEqual({
      name: 'X',
      expand: true,
      chomp: true,
      fileDescriptor: 12,
    });
    expect(parseHeredocMarker('<< -EOF')?.name).toBe('-EOF');
  });
});

describe('findHeredocMarkers', () => {
  it.each([
    ['RUN <<EOF', ['EOF']],
    ['RUN <<-EOF', ['EOF']],
    // On a line, `<<` only swallows the spaces right after it: `<<-` then ends the word, so
    // `<<- EOF` is no marker (BuildKit's own table lists it, but its loop never checks it).
    ['RUN <<- EOF', []],
    ['RUN << -EOF', ['-EOF']],
    ["RUN <<'EOF'", ['EOF']],
    ['RUN 4<<EOF', ['EOF']],
    ['RUN <<EOF <<EOF2', ['EOF', 'EOF2']],
    ["RUN '<<EOF'", []],
    ['RUN "<<EOF"', []],
    ["RUN <<EOF 'unbalanced", []],
  ])('%j has %j', (line, names) => {
    expect(findHeredocMarkers(line).map((m) => m.name)).toEqual(names);
  });

  it('gives the offsets of each marker word', () => {
    expect(findHeredocMarkers('COPY <<A  2<<-B /x').map((m) => [m.start, m.end])).toEqual([
      [5, 8],
      [10, 15],
    ]);
  });
});
