/* Nothing typed is lost:
   1. leaving a page with a form changed but not sent asks first (beforeunload);
   2. two minutes before the session would end for want of activity, a dialog offers to stay signed in
      (body[data-session-idle], GET body[data-session-keepalive] moves the server's idle clock);
   3. a form posted after the session ended comes back, once signed in again, refilled with what was typed
      (parindex/sessions.py keeps it; #kept-post-data holds it) - refilled only, never sent. */
(function () {
  "use strict";

  // --- 1. Unsaved changes ---------------------------------------------------------------------------------------
  var changed = new Set();

  function tracked(form) {
    return form && (form.getAttribute("method") || "").toLowerCase() === "post" &&
      !form.hasAttribute("data-unsaved-off") && !form.classList.contains("lang-switch");
  }

  function markChanged(event) {
    var field = event.target;
    if (field && field.type !== "hidden" && tracked(field.form)) {
      changed.add(field.form);
    }
  }

  document.addEventListener("input", markChanged);
  document.addEventListener("change", markChanged);
  document.addEventListener("submit", function (event) {
    // A submit another script stops (the confirmation dialog) has not sent anything yet.
    setTimeout(function () {
      if (!event.defaultPrevented) {
        changed.delete(event.target);
      }
    }, 0);
  });
  window.addEventListener("beforeunload", function (event) {
    if (changed.size) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- 2. The session's idle limit -------------------------------------------------------------------------------
  var idle = Number(document.body.dataset.sessionIdle || 0);
  var dialog = document.getElementById("session-dialog");
  var WARN_BEFORE = 120;
  var timers = [];

  function show(state) {
    dialog.querySelector("[data-when=soon]").hidden = state !== "soon";
    dialog.querySelector("[data-when=ended]").hidden = state !== "ended";
    dialog.querySelector("[data-action=stay]").hidden = state !== "soon";
    dialog.querySelector("[data-action=close]").hidden = state !== "ended";
    if (!dialog.open) {
      dialog.showModal();
    }
  }

  function schedule(seconds) {
    timers.forEach(clearTimeout);
    timers = [
      setTimeout(function () { show("soon"); }, Math.max(seconds - WARN_BEFORE, seconds / 2) * 1000),
      setTimeout(function () { show("ended"); }, seconds * 1000),
    ];
  }

  if (idle && dialog && typeof dialog.showModal === "function") {
    schedule(idle);
    dialog.querySelector("[data-action=stay]").addEventListener("click", function () {
      fetch(document.body.dataset.sessionKeepalive, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          var json = (response.headers.get("content-type") || "").indexOf("json") !== -1;
          if (!response.ok || !json) { throw new Error("signed out"); }
          return response.json();
        })
        .then(function (body) { dialog.close(); schedule(body.idle_seconds); })
        .catch(function () { show("ended"); });
    });
    dialog.querySelector("[data-action=close]").addEventListener("click", function () { dialog.close(); });
    dialog.addEventListener("cancel", function (event) {  // Escape
      if (!dialog.querySelector("[data-when=ended]").hidden) { return; }
      event.preventDefault();  // "soon": only "stay signed in" answers it, so the session isn't lost unawares
    });
  }

  // --- 3. A post kept across signing in again -------------------------------------------------------------------
  var kept = document.getElementById("kept-post-data");
  if (!kept) {
    return;
  }
  var data = JSON.parse(kept.textContent);
  var forms = Array.prototype.filter.call(document.forms, function (form) {
    return new URL(form.action, location.href).pathname === data.action;
  });
  var form = forms[0];
  if (!form) {
    return;
  }
  var seen = {};
  data.fields.forEach(function (pair) {
    var name = pair[0], value = pair[1];
    var field = form.elements.namedItem(name);
    if (!field) { return; }
    if (field instanceof RadioNodeList) {
      Array.prototype.forEach.call(field, function (item) {
        if (item.type === "radio" || item.type === "checkbox") {
          if (!seen[name]) { item.checked = false; }
          if (item.value === value) { item.checked = true; }
        }
      });
      seen[name] = true;
    } else if (field.type === "checkbox") {
      field.checked = field.value === value;
    } else if (field.type !== "file") {
      field.value = value;
    }
  });
  changed.add(form);
  var first = form.querySelector("textarea, input:not([type=hidden]), select");
  if (first) { first.focus(); }
})();
