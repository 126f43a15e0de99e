// Progressive enhancements only: every page works without this file.
(function () {
  "use strict";
  // Ask before destructive buttons that carry data-confirm.
  document.addEventListener("submit", function (event) {
    var button = event.submitter || event.target.querySelector("[data-confirm]");
    var message = button && button.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
    }
  });
})();
