// Paper entry: a digit key picks that option of the focused question and moves on to the next question.
// Without this script the form still works with Tab and the arrow keys.
document.addEventListener("keydown", function (event) {
  var question = event.target.closest && event.target.closest("[data-paper-question]");
  if (!question || event.ctrlKey || event.altKey || event.metaKey || !/^[1-9]$/.test(event.key)) return;
  var option = question.querySelector('input[data-key="' + event.key + '"]');
  if (!option) return;
  event.preventDefault();
  option.checked = true;
  var all = Array.prototype.slice.call(document.querySelectorAll("[data-paper-question]"));
  var next = all[all.indexOf(question) + 1];
  var target = next ? (next.querySelector("input:checked") || next.querySelector("input")) : document.querySelector(".paper-form button[type=submit]");
  target.focus();
});
