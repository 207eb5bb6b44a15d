import { describe, expect, it } from 'vitest';
import type { BuildEvent } from '../../events/index.js';
import { ev, failingBuild, twoStageBuild } from '../../events/testing/recorded-builds.js';
import { createJsonRenderer, formatEventJson } from './json-renderer.js';
import { captureOutput } from './testing/capture.js';

async function renderJson(events: readonly BuildEvent[]): Promise<string[]> {
  const captured = captureOutput();
  const renderer = createJsonRenderer({ output: captured.output });
  for (const event of events) renderer.sink(event);
  await renderer.finish();
  return captured.text().split('\n');
}

describe('json progress', () => {
  it('writes one line per event, the event itself', async () => {
    const events = twoStageBuild();
    const lines = await renderJson(events);
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(events.length);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual(events);
    expect(lines[1]).toBe('{"type":"step-started","time":0,"id":"b1","label":"[builder 1/3] FROM docker.io/library/node:18","stage":"builder"}');
  });

  it('keeps failures and their messages', async () => {
    const lines = await renderJson(failingBuild());
    const failed = lines.map((line) => (line === '' ? undefined : (JSON.parse(line) as { type: string; error?: string })));
    expect(failed.filter((e) => e?.type === 'step-failed').map((e) => e?.error)).toEqual([
      'process "/bin/sh -c npm test" did not complete successfully: exit code: 1',
    ]);
  });

  const bytes = (values: number[]): Uint8Array => Uint8Array.from(values);
  it.each([
    { name: 'text stays text', data: 'hi\n' as string | Uint8Array, json: '"data":"hi\\n"' },
    { name: 'UTF-8 bytes become text', data: new TextEncoder().encode('caf\u00e9\n'), json: '"data":"caf\u00e9\\n"' },
    { name: 'a Buffer is bytes too', data: Buffer.from('ok'), json: '"data":"ok"' },
    { name: 'other bytes become base64', data: bytes([0xff, 0xfe, 0x00, 0x41]), json: '"dataBase64":"//4AQQ=="' },
    { name: 'a view into a larger buffer encodes only its bytes', data: new Uint8Array(bytes([0x41, 0xff, 0xc3, 0x42]).buffer, 1, 2), json: '"dataBase64":"/8M="' },
  ])('step output: $name', ({ data, json }) => {
    const line = formatEventJson(ev.log(7, 's', data, 'stderr'));
    expect(line).toBe(`{"type":"step-log","time":7,"id":"s","stream":"stderr",${json}}`);
  });

  it('ignores events after finish', async () => {
    const captured = captureOutput();
    const renderer = createJsonRenderer({ output: captured.output });
    renderer.sink(ev.started(0, 's', 'x'));
    await renderer.finish();
    renderer.sink(ev.done(1, 's', 1));
    expect(captured.chunks).toHaveLength(1);
  });
});
