// Type-ahead for the header search box: fills a <datalist> with matching titles as you type.
// Without JavaScript the box is a plain search form.
(function () {
  "use strict";
  var input = document.getElementById("site-search-q");
  if (!input || !window.fetch) { return; }
  var list = document.createElement("datalist");
  list.id = "site-search-suggestions";
  input.parentNode.appendChild(list);
  input.setAttribute("list", list.id);
  var timer = null, lastAsked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var text = input.value.trim();
    if (text.length < 2 || text === lastAsked) { return; }
    timer = setTimeout(function () {
      lastAsked = text;
      fetch(input.form.getAttribute("action") + "suggest?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { titles: [] };
      }).then(function (data) {
        list.textContent = "";
        (data.titles || []).forEach(function (title) {
          var option = document.createElement("option");
          option.value = title;
          list.appendChild(option);
        });
      }).catch(function () { /* suggestions are optional */ });
    }, 150);
  });
})();
