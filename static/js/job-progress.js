/* Follows a background job: asks for its status every second, moves the progress bar, and when the job ends
   opens what it produced (or reloads, so the page shows the outcome). No dependencies. Without JavaScript the
   page refreshes itself (a meta refresh inside <noscript>) and offers a refresh link. */
(function () {
  "use strict";

  var box = document.querySelector("[data-job-status-url]");
  if (!box) return;
  var bar = box.querySelector("progress");
  var percent = box.querySelector("[data-job-percent]");
  var message = box.querySelector("[data-job-message]");
  var status = box.querySelector("[data-job-status]");

  function show(job) {
    bar.value = job.progress;
    bar.textContent = percent.textContent = job.progress + "%";
    message.textContent = job.message;
    status.textContent = job.status_label;
  }

  function poll() {
    fetch(box.dataset.jobStatusUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (job) {
        show(job);
        if (!job.finished) return setTimeout(poll, 1000);
        if (job.next_url) window.location.assign(job.next_url);
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 5000); });  // a network hiccup: keep trying, more gently
  }

  setTimeout(poll, 1000);
})();
