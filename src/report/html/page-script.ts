import { TREEMAP_LAYOUT_SOURCE } from './treemap-layout-source.js';

/**
 * The report page's script: reads the embedded JSON and draws everything (summaries, per-layer
 * bars, legends, zoomable treemaps, the comparison and the advice). Text goes in through
 * textContent only, so nothing in an image's file names can inject markup.
 */
export const PAGE_SCRIPT = `(function () {
'use strict';
${TREEMAP_LAYOUT_SOURCE}
var data = JSON.parse(document.getElementById('report-data').textContent);
var PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac',
  '#86bcb6', '#f1ce63', '#8cd17d', '#d37295', '#a0cbe8', '#ffbe7d', '#499894', '#d4a6c8', '#79706e', '#b6992d'];
function colour(layer) { return PALETTE[layer % PALETTE.length]; }
function bytes(n) {
  var units = ['B', 'kB', 'MB', 'GB', 'TB'];
  var sign = n < 0 ? '-' : '';
  var v = Math.abs(n);
  var u = 0;
  while (v >= 999.5 && u < units.length - 1) { v /= 1000; u++; }
  var digits = u === 0 || v >= 99.95 ? 0 : v >= 9.995 ? 1 : 2;
  return sign + v.toFixed(digits) + ' ' + units[u];
}
function percent(r) { return (r * 100).toFixed(1) + ' %'; }
function command(text, max) {
  if (!text) return '';
  var t = text.replace(/^\\/bin\\/sh -c (#\\(nop\\) )?/, '').replace(/\\s+/g, ' ').trim();
  return max && t.length > max ? t.slice(0, max - 1) + '\\u2026' : t;
}
function el(tag, attrs, children) {
  var node = document.createElement(tag);
  if (attrs) for (var key in attrs) {
    if (key === 'text') node.textContent = attrs[key];
    else if (key === 'class') node.className = attrs[key];
    else if (key === 'style') node.style.cssText = attrs[key];
    else node.setAttribute(key, attrs[key]);
  }
  (children || []).forEach(function (c) { if (c) node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); });
  return node;
}
function table(head, rows, numeric) {
  var thead = el('tr', null, head.map(function (h, i) { return el('th', { text: h, class: numeric && numeric[i] ? 'num' : '' }); }));
  var body = rows.map(function (r) {
    return el('tr', null, r.map(function (cell, i) {
      return el('td', { class: numeric && numeric[i] ? 'num' : '' }, [typeof cell === 'object' && cell ? cell : String(cell)]);
    }));
  });
  return el('table', null, [el('thead', null, [thead]), el('tbody', null, body)]);
}

function drawTreemap(box, crumbs, root, trail) {
  box.textContent = '';
  var W = box.clientWidth || 1000;
  var H = box.clientHeight || 520;
  var node = trail[trail.length - 1];
  crumbs.textContent = '';
  trail.forEach(function (n, i) {
    if (i > 0) crumbs.appendChild(document.createTextNode(' / '));
    if (i === trail.length - 1) crumbs.appendChild(el('span', { text: i === 0 ? '/' : n.n }));
    else {
      var a = el('a', { text: i === 0 ? '/' : n.n });
      a.addEventListener('click', function () { drawTreemap(box, crumbs, root, trail.slice(0, i + 1)); });
      crumbs.appendChild(a);
    }
  });
  crumbs.appendChild(document.createTextNode('  (' + bytes(node.s) + ')'));
  var base = trail.map(function (n) { return n.n; }).join('/').replace(/^\\/+/, '/');
  place(box, crumbs, root, trail, node, base === '' ? '/' : base, 0, 0, W, H, 0);
}

function place(box, crumbs, root, trail, node, path, x, y, w, h, depth) {
  if (w < 2 || h < 2) return;
  var isDir = !!node.c;
  var div = el('div', {
    class: 'tm-node' + (isDir ? ' tm-dir' : '') + (node.m ? ' tm-small' : ''),
    style: 'left:' + x + 'px;top:' + y + 'px;width:' + w + 'px;height:' + h + 'px;background-color:' + colour(node.l) + (isDir && depth > 0 ? '33' : depth === 0 ? '18' : ''),
    title: path + '\\n' + bytes(node.s) + ' \\u2014 layer ' + node.l,
    'data-path': path,
    'data-bytes': String(node.s)
  });
  if (w > 36 && h > 12) div.appendChild(el('span', { class: 'tm-label', text: (depth === 0 ? path : node.n) + ' ' + bytes(node.s) }));
  box.appendChild(div);
  if (isDir && depth > 0) {
    div.addEventListener('click', function (event) {
      event.stopPropagation();
      var extended = trail.slice();
      extended.push.apply(extended, chainTo(trail[trail.length - 1], node));
      drawTreemap(box, crumbs, root, extended);
    });
  }
  if (!isDir || w < 20 || h < 24) return;
  var kids = node.c.filter(function (c) { return c.s > 0; }).sort(function (a, b) { return b.s - a.s; });
  var rects = squarify(kids.map(function (c) { return c.s; }), x + 2, y + 15, w - 4, h - 17);
  rects.forEach(function (r) {
    var child = kids[r.i];
    place(box, crumbs, root, trail, child, (path === '/' ? '' : path) + '/' + child.n, r.x, r.y, r.w, r.h, depth + 1);
  });
}

function chainTo(from, target) {
  var found = null;
  (function walk(n, acc) {
    if (found) return;
    if (n === target) { found = acc; return; }
    (n.c || []).forEach(function (c) { walk(c, acc.concat([c])); });
  })(from, []);
  return found || [];
}

function layerBars(img) {
  var max = Math.max.apply(null, img.layers.map(function (l) { return l.addedBytes; }).concat([1]));
  return el('div', { class: 'bars' }, img.layers.map(function (l) {
    var visible = (l.visibleBytes / max) * 100;
    var wasted = (l.wastedBytes / max) * 100;
    return el('div', { class: 'bar-row', title: command(l.createdBy) }, [
      el('span', { text: '#' + l.index, class: 'cmd' }),
      el('div', { class: 'bar-track' }, [
        el('div', { class: 'bar-fill', style: 'left:0;width:' + visible + '%;background:' + colour(l.index) }),
        el('div', { class: 'bar-waste', style: 'left:' + visible + '%;width:' + wasted + '%' })
      ]),
      el('span', { class: 'bar-label layer-bytes', 'data-bytes': String(l.addedBytes), text: bytes(l.addedBytes) + (l.wastedBytes > 0 ? ' (' + bytes(l.wastedBytes) + ' wasted)' : '') })
    ]);
  }));
}

function legend(img) {
  return el('div', { class: 'legend' }, img.layers.map(function (l) {
    return el('span', null, [el('span', { class: 'swatch', style: 'background:' + colour(l.index) }), '#' + l.index + ' ' + command(l.createdBy, 70)]);
  }));
}

function adviceList(img) {
  if (!img.advice.length) return el('p', { class: 'muted', text: 'No advice: nothing above the threshold to save.' });
  return el('ol', { class: 'advice' }, img.advice.map(function (a) {
    var where = a.path + (a.layer !== undefined ? ', layer ' + a.layer + (a.createdBy ? ' (' + command(a.createdBy, 70) + ')' : '') : '') + (a.line !== undefined ? ', Dockerfile line ' + a.line : '');
    var items = (a.items || []).slice(0, 5).map(function (it) { return it.name + ' ' + bytes(it.bytes); }).join(', ');
    return el('li', { 'data-kind': a.kind }, [
      el('div', null, [el('span', { text: a.title + ': ' }), el('span', { class: 'saves', text: a.bytes > 0 ? 'saves ' + bytes(a.bytes) : 'saves nothing as it is' })]),
      el('div', { class: 'muted', text: 'where: ' + where }),
      el('div', { text: 'fix: ' + a.fix }),
      items ? el('div', { class: 'muted', text: 'biggest: ' + items }) : null
    ]);
  }));
}

function imageSection(img, index) {
  var box = el('div', { class: 'treemap', id: 'treemap-' + index });
  var crumbs = el('div', { class: 'crumbs' });
  var section = el('section', { id: 'image-' + index, class: 'image' }, [
    el('h2', { text: img.name }),
    el('p', { class: 'summary' }, [
      'Total: ', el('span', { class: 'total', 'data-bytes': String(img.totalBytes), text: bytes(img.totalBytes) }),
      ' in ' + img.layers.length + ' layers \\u00b7 written ' + bytes(img.addedBytes) + ' \\u00b7 wasted ',
      el('span', { class: 'wasted', 'data-bytes': String(img.wastedBytes), text: bytes(img.wastedBytes) }),
      ' \\u00b7 efficiency ' + percent(img.efficiency.score) + ' (dive)'
    ]),
    el('h3', { text: 'Layers' }),
    layerBars(img),
    el('h3', { text: 'File system by size, coloured by layer' }),
    legend(img),
    crumbs,
    box,
    el('h3', { text: 'Advice' }),
    adviceList(img)
  ]);
  return { section: section, draw: function () { drawTreemap(box, crumbs, img.tree, [img.tree]); } };
}

function compareSection(c) {
  var a = c.a, b = c.b;
  var parts = [el('h2', { text: a.name + ' compared with ' + b.name })];
  parts.push(table(['', a.name, b.name, 'difference'], [
    ['total size', el('span', { class: 'total', 'data-bytes': String(a.totalBytes), text: bytes(a.totalBytes) }), el('span', { class: 'total', 'data-bytes': String(b.totalBytes), text: bytes(b.totalBytes) }), el('span', { class: 'difference', 'data-bytes': String(a.totalBytes - b.totalBytes), text: (a.totalBytes > b.totalBytes ? '+' : '') + bytes(a.totalBytes - b.totalBytes) })],
    ['layers', a.layers, b.layers, ''],
    ['wasted', bytes(a.wastedBytes), bytes(b.wastedBytes), ''],
    ['efficiency', percent(a.efficiency), percent(b.efficiency), '']
  ], [false, true, true, true]));
  parts.push(el('h3', { text: 'Layers side by side' }));
  parts.push(table(['#', '', a.name, '', b.name, ''], c.layers.map(function (p, i) {
    return [i, p.shared ? el('span', { class: 'shared', text: 'shared' }) : '',
      p.a ? bytes(p.a.addedBytes) : '-', p.a ? el('span', { class: 'cmd', text: command(p.a.createdBy, 60) }) : '',
      p.b ? bytes(p.b.addedBytes) : '-', p.b ? el('span', { class: 'cmd', text: command(p.b.createdBy, 60) }) : ''];
  }), [false, false, true, false, true, false]));
  [[a.name, c.debian.onlyInA, b.name], [b.name, c.debian.onlyInB, a.name]].forEach(function (s) {
    if (!s[1].length) return;
    parts.push(el('h3', { text: 'Debian packages in ' + s[0] + ' and not in ' + s[2] }));
    parts.push(table(['group', 'packages', 'size', 'installed-size', 'root, then biggest'], s[1].slice(0, 12).map(function (g) {
      var title = g.packages.length > 1 ? g.root + ' and its dependencies' : g.root;
      return [el('span', { class: 'deb-group', text: title }), g.packages.length, bytes(g.measuredBytes), bytes(g.installedBytes),
        g.packages.slice(0, 6).map(function (p) { return p.name + ' ' + bytes(p.measuredBytes); }).join(', ')];
    }), [false, true, true, true, false]));
  });
  [[a.name, c.nodeModules.onlyInA, c.nodeModules.onlyInABytes], [b.name, c.nodeModules.onlyInB, c.nodeModules.onlyInBBytes]].forEach(function (s) {
    if (!s[1].length) return;
    parts.push(el('h3', { text: 'node_modules packages only in ' + s[0] + ' (' + bytes(s[2]) + ')' }));
    parts.push(table(['size', 'package', 'path'], s[1].map(function (p) { return [bytes(p.bytes), p.name, p.path]; }), [true, false, false]));
  });
  var tools = c.toolchains.filter(function (t) { return t.bytesA !== t.bytesB; });
  if (tools.length) {
    parts.push(el('h3', { text: 'Toolchains' }));
    parts.push(table(['toolchain', a.name, b.name], tools.map(function (t) { return [t.name, bytes(t.bytesA), bytes(t.bytesB)]; }), [false, true, true]));
  }
  [[a.name, c.paths.onlyInA, b.name], [b.name, c.paths.onlyInB, a.name]].forEach(function (s) {
    if (!s[1].length) return;
    parts.push(el('h3', { text: 'Largest paths in ' + s[0] + ' that ' + s[2] + ' lacks (or has much smaller)' }));
    parts.push(table(['size', 'in ' + s[2], 'path', 'whose'], s[1].map(function (d) {
      return [bytes(d.bytes), d.kind === 'only' ? '-' : bytes(d.otherBytes), el('span', { class: 'cmd', text: d.path }), d.owners.map(function (o) { return o.label + ' ' + bytes(o.bytes); }).join(', ')];
    }), [true, true, false, false]));
  });
  return el('section', { id: 'compare' }, parts);
}

var main = document.getElementById('report');
document.title = data.title;
document.getElementById('title').textContent = data.title;
document.getElementById('generated').textContent = 'generated ' + data.generatedAt + ' by stagecraft';
if (data.compare) main.appendChild(compareSection(data.compare));
var drawers = data.images.map(function (img, i) {
  var built = imageSection(img, i);
  main.appendChild(built.section);
  return built.draw;
});
drawers.forEach(function (draw) { draw(); });
var resizeTimer = null;
window.addEventListener('resize', function () {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(function () { drawers.forEach(function (draw) { draw(); }); }, 150);
});
document.body.setAttribute('data-rendered', 'true');
})();
`;
