// A tar lister for tests: Python's tarfile, a reader independent of ours.
import { execFileSync } from 'node:child_process';

export interface PythonTarMember {
  readonly name: string;
  /** tarfile's type flag: '0' file, '5' directory, '2' symlink, '1' hardlink... */
  readonly type: string;
  readonly mode: number;
  readonly linkname: string;
  readonly size: number;
  /** PAX records, values as hex of their bytes (names may not be UTF-8). */
  readonly pax: Record<string, string>;
  /** sha256 (hex) of a regular file's content; of nothing for other members. */
  readonly sha256: string;
}

const SCRIPT = [
  'import hashlib, json, sys, tarfile',
  'out = []',
  'with tarfile.open(sys.argv[1]) as t:',
  '    for m in t.getmembers():',
  '        data = t.extractfile(m).read() if m.isfile() else b""',
  "        out.append({'name': m.name, 'type': m.type.decode(), 'mode': m.mode, 'linkname': m.linkname, 'size': m.size,",
  "                    'pax': {k: v.encode('utf-8', 'surrogateescape').hex() for k, v in m.pax_headers.items()},",
  "                    'sha256': hashlib.sha256(data).hexdigest()})",
  'print(json.dumps(out))',
].join('\n');

/** The members of the tar at `path`, in archive order, as Python's tarfile reads them. */
export function listTarWithPython(path: string): PythonTarMember[] {
  return JSON.parse(execFileSync('python3', ['-c', SCRIPT, path], { encoding: 'utf8', maxBuffer: 64 << 20 })) as PythonTarMember[];
}
