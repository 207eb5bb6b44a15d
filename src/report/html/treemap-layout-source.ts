/**
 * The squarified treemap layout (Bruls, Huizing and van Wijk, 2000), as plain JavaScript source
 * embedded in the report page. `squarify(values, x, y, w, h)` takes sizes sorted biggest first
 * and returns one rectangle `{x, y, w, h, i}` per positive value (`i` its index) tiling the box,
 * each with an area proportional to its value: rows are laid along the shorter side and grow while
 * adding the next value does not make the row's worst aspect ratio worse. The tests run this same
 * text in a VM, so what they check is what the page runs.
 */
export const TREEMAP_LAYOUT_SOURCE = String.raw`
function squarify(values, x, y, w, h) {
  var out = [];
  var total = 0;
  for (var t = 0; t < values.length; t++) if (values[t] > 0) total += values[t];
  if (!(total > 0) || !(w > 0) || !(h > 0)) return out;
  var scale = (w * h) / total;
  function worst(sum, biggest, smallest, side) {
    var s2 = side * side;
    return Math.max((s2 * biggest) / (sum * sum), (sum * sum) / (s2 * smallest));
  }
  var i = 0;
  while (i < values.length && !(values[i] > 0)) i++;
  while (i < values.length) {
    var side = Math.min(w, h);
    var first = values[i] * scale;
    var sum = first;
    var ratio = worst(sum, first, first, side);
    var j = i + 1;
    while (j < values.length && values[j] > 0) {
      var area = values[j] * scale;
      var next = worst(sum + area, first, area, side);
      if (next > ratio) break;
      sum += area;
      ratio = next;
      j++;
    }
    var k;
    if (w >= h) {
      var cw = sum / h;
      var cy = y;
      for (k = i; k < j; k++) {
        var hh = (values[k] * scale) / cw;
        out.push({ x: x, y: cy, w: cw, h: hh, i: k });
        cy += hh;
      }
      x += cw;
      w -= cw;
    } else {
      var rh = sum / w;
      var cx = x;
      for (k = i; k < j; k++) {
        var ww = (values[k] * scale) / rh;
        out.push({ x: cx, y: y, w: ww, h: rh, i: k });
        cx += ww;
      }
      y += rh;
      h -= rh;
    }
    i = j;
    while (i < values.length && !(values[i] > 0)) i++;
  }
  return out;
}
`;
