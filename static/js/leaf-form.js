// Leaf page: previews the score a rule gives while the unit types (ratio, proportional, deduction, choice).
// Progressive enhancement only: the server computes and validates the score on save, with or without this.
(function () {
  "use strict";
  var form = document.getElementById("leaf-form");
  if (!form) { return; }
  var kind = form.dataset.ruleKind;
  var max = parseFloat(form.dataset.max);
  var preview = document.getElementById("score-preview");
  var box = preview && preview.parentElement;

  function number(name) {
    var input = form.elements[name];
    if (!input || input.value.trim() === "") { return null; }
    var value = Number(input.value.trim().replace(",", "."));
    return isFinite(value) ? value : null;
  }

  function bands() {
    return (form.dataset.bands || "").split(";").filter(Boolean).map(function (band) {
      var parts = band.split("=");
      return [parseFloat(parts[0]), parseFloat(parts[1])];
    }).sort(function (a, b) { return b[0] - a[0]; });
  }

  function ratioScore(numerator, denominator) {
    var found = bands().find(function (band) { return numerator * 100 >= band[0] * denominator; });
    return found ? found[1] : 0;
  }

  function score() {
    if (kind === "ratio" || kind === "proportional") {
      var numerator = number("numerator"), denominator = number("denominator");
      if (numerator === null || denominator === null || denominator <= 0 || numerator < 0 || numerator > denominator) {
        return null;
      }
      return kind === "ratio" ? ratioScore(numerator, denominator) : max * numerator / denominator;
    }
    if (kind === "deduct") {
      var count = number("occurrences");
      if (count === null || count < 0 || count % 1) { return null; }
      return Math.max(max - count * parseFloat(form.dataset.perOccurrence), 0);
    }
    return null;
  }

  function show() {
    var value = score();
    if (!preview || value === null) { if (box) { box.hidden = true; } return; }
    preview.textContent = (Math.round(value * 1000) / 1000).toLocaleString("vi-VN", {maximumFractionDigits: 3});
    box.hidden = false;
  }

  form.addEventListener("input", show);
  show();

  // The reason for "not applicable" is asked only once the unit claims it (kept in view when it holds text).
  var claim = form.elements.not_applicable;
  var reason = form.querySelector(".field-not_applicable_reason");
  if (claim && reason) {
    var text = reason.querySelector("textarea");
    var toggle = function () { reason.hidden = !claim.checked && !text.value.trim(); };
    claim.addEventListener("change", toggle);
    toggle();
  }
})();
