/* The planner's what-if: each change in the leaves table is posted, with the form's CSRF token, to the JSON
   endpoint, which recomputes with scoring/planning.py (the engine's own arithmetic); the result box is replaced in
   place, without a reload, and nothing is saved. Without JavaScript the "Tính thử" button posts the form and the
   page comes back with the same result. No dependencies. */
(function () {
  "use strict";

  var form = document.getElementById("what-if");
  if (!form) return;
  var box = document.getElementById("what-if-result");
  var aside = box.closest(".what-if-box");
  var timer = null;
  var sequence = 0;

  function leafInputs() {
    return form.querySelectorAll("input[name^='leaf-']");
  }

  function showErrors(errors) {
    leafInputs().forEach(function (input) {
      var code = input.name.slice("leaf-".length);
      var message = errors[code] || "";
      var holder = document.getElementById("error-" + code);
      if (holder) holder.textContent = message;
      if (message) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    });
    var status = box.querySelector(".what-if-status");
    if (status && Object.keys(errors).length) status.textContent = form.dataset.invalidMessage;
  }

  function markChanged(changed) {
    form.querySelectorAll("tr[data-leaf]").forEach(function (row) {
      row.classList.toggle("changed", changed.indexOf(row.dataset.leaf) !== -1);
    });
  }

  function recompute() {
    var mine = ++sequence;
    aside.classList.add("busy");
    fetch(form.dataset.whatIfUrl, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json" }
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (mine !== sequence) return;  // a later change is on its way: only its answer counts
        aside.classList.remove("busy");
        if (!data.ok) return showErrors(data.errors || {});
        box.innerHTML = data.html;
        showErrors({});
        markChanged(data.changed);
      })
      .catch(function () { aside.classList.remove("busy"); });
  }

  form.addEventListener("input", function (event) {
    if (!event.target.name || event.target.name.indexOf("leaf-") !== 0) return;
    clearTimeout(timer);
    timer = setTimeout(recompute, 250);
  });
  form.addEventListener("submit", function (event) {
    // "Tính thử" (and Enter in a score) stays on the page; "Lưu kịch bản" posts to its own formaction.
    if (event.submitter && event.submitter.hasAttribute("data-what-if-submit")) {
      event.preventDefault();
      clearTimeout(timer);
      recompute();
    }
  });
})();
