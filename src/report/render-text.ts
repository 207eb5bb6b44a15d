import type { Advice } from './advice-types.js';
import type { CompareReport, LayerSide } from './compare.js';
import { groupTitle } from './compare.js';
import type { PathDifference } from './dir-diff.js';
import type { DuReport, DuRow } from './du.js';
import { formatBytes, formatPercent, shortCommand } from './format-bytes.js';
import { formatTable } from './text-table.js';
import type { Efficiency, LayerInfo } from './types.js';

function efficiencyLine(e: Efficiency): string {
  return `efficiency ${formatPercent(e.score)} (dive's score; potential wasted space ${formatBytes(e.potentialWastedBytes)}, ${formatPercent(e.wastedUserRatio)} of the layers above the first)`;
}

function layerTable(layers: readonly LayerInfo[]): string {
  const rows = layers.map((l) => [String(l.index), formatBytes(l.addedBytes), formatBytes(l.visibleBytes), formatBytes(l.wastedBytes), String(l.files), shortCommand(l.createdBy, 70)]);
  return formatTable(['LAYER', 'WRITTEN', 'VISIBLE', 'WASTED', 'FILES', 'CREATED BY'], rows, ['right', 'right', 'right', 'right', 'right', 'left']);
}

function layerCell(row: DuRow): string {
  if (row.layers.length <= 1) return String(row.layer);
  const share = (row.layers[0]?.bytes ?? 0) / Math.max(row.bytes, 1);
  return `${String(row.layer)} (${share > 0.99 ? '>99' : Math.round(share * 100).toString()}%)`;
}

/** `du` as text: totals, layers, sizes by path with the layer that wrote each, wasted bytes. */
export function renderDuText(name: string, report: DuReport): string {
  const out: string[] = [];
  out.push(
    `${name}: ${formatBytes(report.imageBytes)} in ${String(report.layers.length)} layers (${formatBytes(report.addedBytes)} written, ${formatBytes(report.wastedBytes)} of it wasted), ${efficiencyLine(report.efficiency)}`,
    '',
    layerTable(report.layers),
    '',
  );
  const rows = report.rows.map((row) => [
    formatBytes(row.bytes),
    String(row.files),
    layerCell(row),
    '  '.repeat(row.depth) + (row.kind === 'more' ? `(${String(row.count ?? 0)} more in ${row.path})` : row.path + (row.kind === 'dir' && row.path !== '/' ? '/' : '')),
  ]);
  out.push(formatTable(['SIZE', 'FILES', 'LAYER', 'PATH'], rows, ['right', 'right', 'left', 'left']));
  if (report.wasted.length > 0) {
    out.push('', `Wasted under ${report.path}: ${formatBytes(report.wastedBytes)} written in one layer and deleted or overwritten in a later one`);
    const wasted = report.wasted.map((w) => [
      formatBytes(w.bytes),
      String(w.files),
      w.writtenIn.join(','),
      String(w.removedBy),
      w.sameContent === true ? 'rewritten unchanged' : w.how,
      w.path,
    ]);
    out.push(formatTable(['SIZE', 'FILES', 'WRITTEN BY', 'REMOVED BY', 'HOW', 'PATH'], wasted, ['right', 'right', 'left', 'left', 'left', 'left']));
  }
  return out.join('\n');
}

/** Advice as a numbered list (or a line saying there is none). */
export function renderAdviceText(name: string, advice: readonly Advice[]): string {
  if (advice.length === 0) return `Advice for ${name}: nothing to save above the threshold.`;
  const out = [`Advice for ${name} (each saving measured on its own; they may overlap):`];
  for (const [i, a] of advice.entries()) {
    out.push(`  ${String(i + 1)}. ${a.title}: ${a.bytes > 0 ? `saves ${formatBytes(a.bytes)}` : 'saves nothing as it is'}`);
    const layer = a.layer === undefined ? '' : `, layer ${String(a.layer)}${a.createdBy !== undefined ? ` (${shortCommand(a.createdBy, 60)})` : ''}`;
    out.push(`     where: ${a.path}${layer}${a.line !== undefined ? `, Dockerfile line ${String(a.line)}` : ''}`);
    out.push(`     fix:   ${a.fix}`);
    if (a.items !== undefined && a.items.length > 0) {
      out.push(`     biggest: ${a.items.slice(0, 5).map((item) => `${item.name} ${formatBytes(item.bytes)}`).join(', ')}`);
    }
  }
  return out.join('\n');
}

function sideCell(side: LayerSide | undefined): string {
  return side === undefined ? '-' : `${formatBytes(side.addedBytes)}  ${shortCommand(side.createdBy, 45)}`;
}

function differenceRows(list: readonly PathDifference[]): string[][] {
  return list.map((d) => [
    formatBytes(d.bytes),
    d.kind === 'only' ? '-' : formatBytes(d.otherBytes),
    d.path,
    d.owners.map((o) => `${o.label} ${formatBytes(o.bytes)}`).join(', '),
  ]);
}

/** `compare` as text: totals, layers side by side, packages and toolchains, biggest differences. */
export function renderCompareText(report: CompareReport): string {
  const { a, b } = report;
  const out: string[] = [];
  const delta = a.totalBytes - b.totalBytes;
  out.push(
    formatTable(
      ['', a.name, b.name, 'DIFFERENCE'],
      [
        ['total size', formatBytes(a.totalBytes), formatBytes(b.totalBytes), (delta > 0 ? '+' : '') + formatBytes(delta)],
        ['layers', String(a.layers), String(b.layers), ''],
        ['wasted', formatBytes(a.wastedBytes), formatBytes(b.wastedBytes), ''],
        ['efficiency', formatPercent(a.efficiency), formatPercent(b.efficiency), ''],
      ],
      ['left', 'right', 'right', 'right'],
    ),
    '',
  );
  const layerRows = report.layers.map((pair, i) => [String(i), pair.shared ? 'shared' : '', sideCell(pair.a), sideCell(pair.b)]);
  out.push(formatTable(['LAYER', '', a.name, b.name], layerRows), '');
  const debian = report.debian;
  for (const [name, groups, other] of [
    [a.name, debian.onlyInA, b.name],
    [b.name, debian.onlyInB, a.name],
  ] as const) {
    if (groups.length === 0) continue;
    const count = groups.reduce((sum, g) => sum + g.packages.length, 0);
    const measured = groups.reduce((sum, g) => sum + g.measuredBytes, 0);
    out.push(`Debian packages in ${name} and not in ${other}: ${String(count)} packages, ${formatBytes(measured)} in the image`);
    const rows = groups.slice(0, 10).map((g) => [
      groupTitle(g),
      String(g.packages.length),
      formatBytes(g.measuredBytes),
      formatBytes(g.installedBytes),
      g.packages
        .slice(0, 6)
        .map((p) => `${p.name} ${formatBytes(p.measuredBytes)}`)
        .join(', '),
    ]);
    out.push(formatTable(['  GROUP', 'PACKAGES', 'SIZE', 'INSTALLED-SIZE', 'ROOT, THEN BIGGEST'], rows.map((r) => [`  ${r[0] ?? ''}`, ...r.slice(1)]), ['left', 'right', 'right', 'right', 'left']), '');
  }
  if (debian.changed.length > 0) out.push(`Debian packages at other versions: ${debian.changed.map((c) => `${c.name} ${c.versionA} / ${c.versionB}`).slice(0, 10).join(', ')}`, '');
  const node = report.nodeModules;
  for (const [name, list, bytes] of [
    [a.name, node.onlyInA, node.onlyInABytes],
    [b.name, node.onlyInB, node.onlyInBBytes],
  ] as const) {
    if (list.length === 0) continue;
    out.push(`node_modules packages only in ${name}: ${formatBytes(bytes)}`);
    out.push(formatTable(['  SIZE', 'PACKAGE', 'PATH'], list.slice(0, 10).map((p) => [`  ${formatBytes(p.bytes)}`, p.name, p.path]), ['right', 'left', 'left']), '');
  }
  const tools = report.toolchains.filter((t) => t.bytesA !== t.bytesB);
  if (tools.length > 0) {
    out.push(formatTable(['TOOLCHAIN', a.name, b.name], tools.map((t) => [t.name, formatBytes(t.bytesA), formatBytes(t.bytesB)]), ['left', 'right', 'right']), '');
  }
  for (const [name, list, other] of [
    [a.name, report.paths.onlyInA, b.name],
    [b.name, report.paths.onlyInB, a.name],
  ] as const) {
    if (list.length === 0) continue;
    out.push(`Largest paths in ${name} that ${other} lacks (or has much smaller):`);
    out.push(formatTable(['  SIZE', `IN ${other}`, 'PATH', 'WHOSE'], differenceRows(list).map((r) => [`  ${r[0] ?? ''}`, ...r.slice(1)]), ['right', 'right', 'left', 'left']), '');
  }
  return out.join('\n').trimEnd();
}
