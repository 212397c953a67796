/* Small enhancements on top of pages that work without JavaScript:
   query suggestions, copy-to-clipboard, upload with a bearer token, scrolling to the first match. */
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

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
  }

  function showUpload(target, status, body) {
    target.replaceChildren();
    if (!body || typeof body !== "object" || body.error) {
      var message = document.createElement("div");
      message.className = "message error";
      message.setAttribute("role", "alert");
      message.textContent = (body && body.error) || ("上传失败(HTTP " + status + ")");
      target.appendChild(message);
      return;
    }
    var table = document.createElement("table");
    table.className = "upload-results";
    var head = table.createTHead().insertRow();
    ["文件", "结果", "说明"].forEach(function (title) { cell(head, title); });
    var rows = table.createTBody();
    (body.ingested || []).forEach(function (item) {
      var row = rows.insertRow(); row.className = "ok";
      cell(row, item.path || item); cell(row, "已导入");
      var documents = document.createElement("td");
      (item.doc_ids || []).forEach(function (docId, index) {
        var link = document.createElement("a");
        link.href = "/documents/" + encodeURIComponent(docId);
        link.textContent = (item.titles || [])[index] || docId;
        if (index) documents.appendChild(document.createTextNode("、"));
        documents.appendChild(link);
      });
      row.appendChild(documents);
    });
    (body.unchanged || []).forEach(function (item) {
      var row = rows.insertRow();
      cell(row, item.path || item); cell(row, "未变化"); cell(row, "内容与已导入的版本相同");
    });
    (body.failed || []).forEach(function (item) {
      var row = rows.insertRow(); row.className = "failed";
      cell(row, item.path || ""); cell(row, "失败"); cell(row, item.error || "");
    });
    target.appendChild(table);
  }

  function upload() {
    var form = document.getElementById("upload");
    if (!form) return;
    var target = document.getElementById("upload-results");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var data = new FormData();
      Array.prototype.forEach.call(form.querySelector("#files").files, function (file) { data.append("files", file); });
      target.textContent = "正在上传并导入……";
      fetch(form.action, {
        method: "POST", body: data,
        headers: { "Authorization": "Bearer " + form.querySelector("#token").value }
      }).then(function (response) {
        return response.json().catch(function () { return null; }).then(function (body) {
          showUpload(target, response.status, body);
        });
      }).catch(function () { showUpload(target, 0, { error: "无法连接服务器" }); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    suggestions(); copyButtons(); firstMatch(); upload();
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
