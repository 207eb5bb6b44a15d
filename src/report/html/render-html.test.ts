import { describe, expect, it } from 'vitest';
import { readImageFileSystem } from '../filesystem.js';
import { file, syntheticImage } from '../testing/synthetic-image.js';
import { embedJson, renderReportHtml } from './render-html.js';
import { buildReportData } from './report-data.js';
import type { ReportData } from './report-data.js';

async function data(): Promise<ReportData> {
  const fs = await readImageFileSystem(
    await syntheticImage([
      { createdBy: 'base', entries: [file('etc/</script><script>alert(1)</script>', 100)] },
      { createdBy: 'RUN echo "<b>&amp;</b>"', entries: [file('app/x', 50)] },
    ]),
  );
  return buildReportData([{ name: 'demo:<1>', fs }], { generatedAt: '2024-01-01T00:00:00Z' });
}

describe('the HTML page', () => {
  it('embeds JSON that no file name can break out of', () => {
    const text = embedJson({ a: '</script><!--', b: '\u2028' });
    expect(text).not.toContain('<');
    expect(JSON.parse(text)).toEqual({ a: '</script><!--', b: '\u2028' });
  });

  it('is one self-contained file: inline style, script and data, nothing fetched', async () => {
    const html = renderReportHtml(await data());
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<(link|img|iframe)\b|\ssrc=/i);
    expect(html).toContain("default-src 'none'");
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html.match(/<\/script>/g)).toHaveLength(2);
    const json = /<script type="application\/json" id="report-data">(.*?)<\/script>/s.exec(html)?.[1] ?? '';
    const parsed = JSON.parse(json) as ReportData;
    expect(parsed.images[0]?.name).toBe('demo:<1>');
    expect(parsed.images[0]?.totalBytes).toBe(150);
    expect(parsed.images[0]?.layers.map((l) => l.createdBy)).toEqual(['base', 'RUN echo "<b>&amp;</b>"']);
    expect(html).toContain('<title>stagecraft report: demo:&lt;1&gt;</title>');
  });

  it('compares exactly two images', async () => {
    const fs = await readImageFileSystem(await syntheticImage([{ createdBy: 'x', entries: [file('a', 10)] }]));
    expect(buildReportData([{ name: 'a', fs }, { name: 'b', fs }]).compare?.a.name).toBe('a');
    expect(buildReportData([{ name: 'a', fs }]).compare).toBeUndefined();
    expect(buildReportData([{ name: 'a', fs }, { name: 'b', fs }, { name: 'c', fs }]).compare).toBeUndefined();
  });
});
