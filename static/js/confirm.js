/* Confirmation before an irreversible action, as a <dialog>. A form marked data-confirm posts first without the
   "confirmed" field: the server answers with its confirmation step (parindex/confirmation.py) and changes nothing.
   The dialog shows that step's summary; "confirm" posts the form again with confirmed=1. Without JavaScript the
   step is a page of its own, so the same check holds. */
(function () {
  "use strict";

  function buildDialog(step, onConfirm) {
    var dialog = document.createElement("dialog");
    dialog.className = "confirm-dialog";
    dialog.setAttribute("aria-labelledby", "confirm-dialog-title");
    var title = document.createElement("h2");
    title.id = "confirm-dialog-title";
    title.textContent = step.querySelector("#confirm-title").textContent;
    var summary = document.importNode(step.querySelector("#confirm-summary"), true);
    summary.removeAttribute("id");
    var actions = document.createElement("div");
    actions.className = "confirm-actions";
    var confirm = document.createElement("button");
    confirm.type = "button";
    confirm.className = "button primary";
    confirm.textContent = step.querySelector("#confirm-button").textContent;
    var cancel = document.createElement("button");
    cancel.type = "button";
    cancel.className = "button";
    cancel.textContent = step.querySelector("#confirm-cancel").textContent;
    actions.append(confirm, cancel);
    dialog.append(title, summary, actions);
    confirm.addEventListener("click", function () { dialog.close(); onConfirm(); });
    cancel.addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("close", function () { dialog.remove(); });
    document.body.append(dialog);
    return { dialog: dialog, cancel: cancel };
  }

  function submitConfirmed(form, submitter) {
    var flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    flag.value = "1";
    form.append(flag);
    form.dataset.confirming = "done";
    form.requestSubmit(submitter || undefined);
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-confirm]") || form.dataset.confirming || typeof HTMLDialogElement !== "function") {
      return;
    }
    var submitter = event.submitter && event.submitter.form === form ? event.submitter : null;
    if (submitter && submitter.hasAttribute("data-skip-confirm")) {
      return;
    }
    event.preventDefault();
    form.dataset.confirming = "asking";
    fetch(form.action, { method: "POST", body: new FormData(form, submitter), credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var step = new DOMParser().parseFromString(html, "text/html").getElementById("confirm-step");
        if (!step) {  // refused or invalid: the ordinary post shows why, as without JavaScript
          form.dataset.confirming = "done";
          form.requestSubmit(submitter || undefined);
          return;
        }
        delete form.dataset.confirming;
        var built = buildDialog(step, function () { submitConfirmed(form, submitter); });
        built.dialog.showModal();
        built.cancel.focus();  // a stray Enter must not confirm
      })
      .catch(function () { delete form.dataset.confirming; form.submit(); });
  });
})();
