/* A wide table scrolls inside its own box (.table-wrap) on a phone instead of the page scrolling sideways.
   Keyboard users must reach that box to scroll it (WCAG 2.1.1): a box that scrolls gets tabindex=0 and a name,
   taken from its table's caption or the heading before it. */
(function () {
  "use strict";

  function label(box) {
    var caption = box.querySelector("caption");
    if (caption) { return caption.textContent.trim(); }
    var node = box;
    while (node && node !== document.body) {
      var previous = node.previousElementSibling;
      while (previous) {
        if (/^H[1-6]$/.test(previous.tagName)) { return previous.textContent.trim(); }
        var inner = previous.querySelector && previous.querySelector("h1, h2, h3");
        if (inner) { return inner.textContent.trim(); }
        previous = previous.previousElementSibling;
      }
      node = node.parentElement;
    }
    return document.title;
  }

  function mark() {
    document.querySelectorAll(".table-wrap").forEach(function (box) {
      if (box.scrollWidth > box.clientWidth) {
        box.setAttribute("tabindex", "0");
        box.setAttribute("role", "region");
        if (!box.hasAttribute("aria-label")) { box.setAttribute("aria-label", label(box)); }
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
        box.removeAttribute("role");
      }
    });
  }

  mark();
  window.addEventListener("resize", mark);
})();
