// The language menu submits its form as soon as a language is chosen (without script, its button does).
(function () {
  var select = document.getElementById("lang-select");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
})();
