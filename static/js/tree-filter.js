/* Instant filtering of a criteria tree as the user types, and the print button. No dependencies.
   Without JavaScript the same search runs on the server (?q=): both keep the ancestors of every match and fold
   Vietnamese diacritics, so "chi dao" finds "Chỉ đạo" (scoring/framework_display.py, fold_text). */
(function () {
  "use strict";

  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function visibleCodes(rows, words) {
    var shown = new Set();
    rows.forEach(function (row) {
      var text = row.dataset.search || "";
      if (words.every(function (word) { return text.indexOf(word) !== -1; })) {
        shown.add(row.dataset.code);
        (row.dataset.ancestors || "").split(" ").forEach(function (code) { if (code) shown.add(code); });
      }
    });
    return shown;
  }

  function filter(input, table, empty) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-code]"));
    var words = fold(input.value).split(/\s+/).filter(Boolean);
    var shown = words.length ? visibleCodes(rows, words) : null;
    rows.forEach(function (row) { row.hidden = shown !== null && !shown.has(row.dataset.code); });
    if (empty) empty.hidden = rows.some(function (row) { return !row.hidden; });
  }

  document.querySelectorAll("input[data-tree-filter]").forEach(function (input) {
    var table = document.getElementById(input.dataset.treeFilter);
    if (!table) return;
    var empty = document.querySelector("[data-tree-empty]");
    input.addEventListener("input", function () { filter(input, table, empty); });
  });

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
