// Progressive enhancement of the decision forms: choosing a reason template fills the reason box, unless the
// appraiser has typed their own reason there. The server takes the template's text when the box is left empty,
// so the page works the same without this script.
document.addEventListener("change", (event) => {
  const select = event.target.closest("select[data-reason-for]");
  const reason = select && document.getElementById(select.dataset.reasonFor);
  if (!reason) return;
  const typed = reason.value.trim() && reason.value !== reason.dataset.filled;
  if (typed) return;
  reason.value = select.value ? select.options[select.selectedIndex].text : "";
  reason.dataset.filled = reason.value;
});
