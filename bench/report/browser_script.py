"""The article browser's inline script: builds a folded block for every article not rendered statically, fills
an article's outputs from the page's JSON data when it is opened (or named in the address, ``#article=ID``), and
filters the blocks. Text goes in with ``textContent`` only, never as HTML. The markup it builds is the one
``bench.report.browser`` renders statically; the data layout is described there."""

from __future__ import annotations

__all__ = ["BROWSER_SCRIPT"]

BROWSER_SCRIPT = r"""
(function () {
  'use strict';
  var holder = document.getElementById('article-data'), list = document.getElementById('article-list');
  if (!holder || !list) { return; }
  var data = JSON.parse(holder.textContent), texts = data.texts, targets = data.targets, types = data.types;
  var stride = 2 + types.length, blocks = [], search = [];
  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (content !== undefined && content !== null) { node.textContent = content; }
    return node;
  }
  function text(i) { return i === null || i < 0 ? null : texts[i]; }
  function score(v) { return v === null ? '\u2013' : (v / 10).toFixed(1); }
  function title(a) {
    for (var t = 0; t < targets.length; t++) { if (text(a[1][t])) { return text(a[1][t]); } }
    return '';
  }
  function outputsTable(out) {
    var best = 0, k, j, table = el('table', 'outputs'), head = el('tr'), body = el('tbody');
    for (k = 0; k < out.length; k += stride) { best = Math.max(best, out[k + 2] || 0); }
    ['system', 'output'].concat(types).forEach(function (h) { head.appendChild(el('th', null, h)); });
    table.appendChild(el('thead')).appendChild(head);
    table.appendChild(body);
    for (k = 0; k < out.length; k += stride) {
      var row = body.appendChild(el('tr', types.length && best > 0 && (out[k + 2] || 0) === best ? 'best' : null));
      row.appendChild(el('td', 'sys', data.systems[out[k]]));
      row.appendChild(el('td', null, texts[out[k + 1]]));
      for (j = 0; j < types.length; j++) { row.appendChild(el('td', 'num', score(out[k + 2 + j]))); }
    }
    return table;
  }
  function targetSection(a, t) {
    var section = el('section', 'target'), ref = text(a[1][t]), out = a[2][t] || [], p;
    section.appendChild(el('h4', null, targets[t][1]));
    if (ref) {
      p = el('p', 'reference');
      p.appendChild(el('span', 'tag', 'real'));
      p.appendChild(document.createTextNode(' ' + ref));
    } else {
      p = el('p', 'reference missing', 'no ' + targets[t][0] + ' in the corpus: not scored');
    }
    section.appendChild(p);
    if (out.length) { section.appendChild(outputsTable(out)); }
    return section;
  }
  function fill(block) {
    if (block.hasAttribute('data-ready')) { return; }
    var a = data.articles[+block.getAttribute('data-i')], div = el('div', 'targets');
    for (var t = 0; t < targets.length; t++) { div.appendChild(targetSection(a, t)); }
    block.appendChild(div);
    block.setAttribute('data-ready', '');
  }
  function shell(i) {
    var a = data.articles[i], block = el('details', 'article'), summary = el('summary');
    block.setAttribute('data-i', String(i));
    summary.appendChild(el('span', 'aid', a[0]));
    summary.appendChild(document.createTextNode(' ' + title(a)));
    block.appendChild(summary);
    return block;
  }
  var rest = document.createDocumentFragment(), i;
  blocks = Array.prototype.slice.call(list.querySelectorAll('details.article'));
  for (i = blocks.length; i < data.articles.length; i++) { blocks.push(rest.appendChild(shell(i))); }
  list.appendChild(rest);
  for (i = 0; i < data.articles.length; i++) {
    var a = data.articles[i], words = [a[0]];
    for (var t = 0; t < targets.length; t++) { if (text(a[1][t])) { words.push(text(a[1][t])); } }
    search.push(words.join(' ').toLowerCase());
  }
  list.addEventListener('toggle', function (event) {
    if (event.target.open && event.target.matches('details.article')) { fill(event.target); }
  }, true);
  document.getElementById('article-filter').addEventListener('input', function (event) {
    var q = event.target.value.trim().toLowerCase(), shown = 0;
    for (var k = 0; k < blocks.length; k++) {
      var hit = !q || search[k].indexOf(q) !== -1;
      blocks[k].hidden = !hit;
      if (hit) { shown += 1; }
    }
    document.getElementById('article-count').textContent = shown;
  });
  function openFromAddress() {
    var wanted;
    try { wanted = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (wanted.indexOf('article=') !== 0) { return; }
    for (var k = 0; k < blocks.length; k++) {
      if (data.articles[k][0] === wanted.slice(8)) {
        fill(blocks[k]);
        blocks[k].hidden = false;
        blocks[k].open = true;
        blocks[k].scrollIntoView();
        return;
      }
    }
  }
  window.addEventListener('hashchange', openFromAddress);
  openFromAddress();
}());
"""
