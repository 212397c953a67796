/* Small enhancements on top of pages that work without JavaScript:
   query suggestions, copy-to-clipboard, scrolling to the first match. */
(function () {
  "use strict";
  var SUGGEST_DELAY_MS = 200;

  function suggestions() {
    var box = document.getElementById("q");
    var list = document.getElementById("suggestions");
    if (!box || !list) return;
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var text = box.value.trim();
      if (!text) return;
      timer = setTimeout(function () {
        fetch("/api/suggest?q=" + encodeURIComponent(text))
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (data) {
            if (!data) return;
            var items = Array.isArray(data) ? data : (data.suggestions || []);
            list.replaceChildren();
            items.slice(0, 10).forEach(function (item) {
              var option = document.createElement("option");
              option.value = typeof item === "string" ? item : (item.text || item.term || "");
              list.appendChild(option);
            });
          })
          .catch(function () {});
      }, SUGGEST_DELAY_MS);
    });
  }

  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      button.addEventListener("click", function () {
        var field = document.querySelector(button.getAttribute("data-copy"));
        var done = function () { button.textContent = "已复制"; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
        } else {
          field.select();
          if (document.execCommand("copy")) done();
        }
      });
    });
  }

  function firstMatch() {
    if (location.hash) return;  // the browser already went to the passage named in the address
    var mark = document.querySelector(".document mark");
    if (mark) mark.scrollIntoView({ block: "center" });
  }

  document.addEventListener("DOMContentLoaded", function () {
    suggestions(); copyButtons(); firstMatch();
  });
})();

/* Collections: drag an item to a new place; the new order is posted like the editor's forms (the ↑/↓ buttons do the
   same without JavaScript), then the page reloads from the server's answer. */
(function () {
  var list = document.querySelector("ol.collection-items[data-reorder]");
  if (!list) return;
  var dragged = null;
  list.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".collection-item");
    if (!dragged) return;
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.itemId);
  });
  list.addEventListener("dragover", function (event) {
    if (!dragged) return;
    event.preventDefault();
    var over = event.target.closest(".collection-item");
    if (!over || over === dragged) return;
    var box = over.getBoundingClientRect();
    list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  list.addEventListener("drop", function (event) { event.preventDefault(); });
  list.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    dragged = null;
    var order = Array.prototype.map.call(list.querySelectorAll(".collection-item"), function (item) {
      return item.dataset.itemId;
    });
    var body = new URLSearchParams({ key: list.dataset.key, order: order.join(",") });
    fetch(list.dataset.reorder, { method: "POST", body: body, credentials: "same-origin" }).then(function (response) {
      window.location.href = response.url || window.location.href;
    });
  });
})();
