// Caseload's small progressive enhancements. Every page works without this.
(function () {
  "use strict";

  // Put keyboard and screen-reader focus on an error summary when a form
  // comes back with problems.
  var summary = document.querySelector("[data-focus]");
  if (summary) { summary.focus(); }

  // Forms that must not be sent twice (a note): disable the button once sent.
  document.querySelectorAll("form").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.querySelectorAll("button[data-once]").forEach(function (b) {
        window.setTimeout(function () { b.disabled = true; b.textContent = "Saving…"; }, 0);
      });
    });
  });

  // Keyboard navigation of the caseload: j / k move between rows, Enter opens.
  var table = document.querySelector("table[data-keyboard-rows]");
  if (table) {
    // The keys work only with this script, so their hint shows only with it.
    document.querySelectorAll("[data-keyboard-hint]").forEach(function (hint) {
      hint.hidden = false;
    });
    var links = Array.prototype.slice.call(table.querySelectorAll("a.row-link"));
    document.addEventListener("keydown", function (event) {
      var target = event.target;
      if (event.altKey || event.ctrlKey || event.metaKey) { return; }
      if (target && /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)) { return; }
      if (event.key !== "j" && event.key !== "k") { return; }
      var index = links.indexOf(document.activeElement);
      var next = event.key === "j" ? index + 1 : index - 1;
      if (index === -1) { next = 0; }
      if (next >= 0 && next < links.length) {
        links[next].focus();
        event.preventDefault();
      }
    });
  }
})();
