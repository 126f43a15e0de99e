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
  // The header's menu disclosure shows its contents on wide screens through ::details-content; where a
  // browser lacks it, keep the disclosure open on wide screens so the navigation stays in view.
  var menu = document.querySelector(".site-menu");
  if (menu && window.CSS && !CSS.supports("selector(::details-content)")) {
    var wide = window.matchMedia("(min-width: 761px)");
    var follow = function () { menu.open = wide.matches; };
    follow();
    wide.addEventListener("change", follow);
  }
  // Escape closes the open menu and returns focus to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu && menu.open && window.matchMedia("(max-width: 760px)").matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
