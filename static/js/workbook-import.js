/* A confirmed workbook import, followed as it goes. The form (data-workbook-import) is posted
   by fetch asking for newline-delimited JSON: the server runs the import while it answers,
   one line as each sheet starts and ends and every hundred rows ({"sheet", "done", "total"}),
   then {"ok": true, "url"} (where the page goes: what was imported) or {"ok": false,
   "errors", "count"} (nothing was written). The <progress> and its status text (aria-live,
   read out by screen readers) follow the lines. Without this script, or if the answer is not
   such lines, the form is posted as usual. Served as a file: the site's content security
   policy allows no inline script. */
(function () {
  "use strict";

  var NDJSON = "application/x-ndjson";

  function number(n) {
    return Number(n).toLocaleString("en-GB");
  }

  function show(box, message) {
    var bar = box.querySelector("progress");
    var status = box.querySelector("[role=status]");
    if (message.sheet !== undefined) {
      if (message.total) {
        bar.max = message.total;
        bar.value = Math.min(message.done, message.total);
        status.textContent = "Importing " + message.sheet + ": " + number(message.done) +
          " of " + number(message.total) + " rows";
      } else {
        bar.removeAttribute("value"); // indeterminate: the file does not say how many
        status.textContent = "Importing " + message.sheet + ": " + number(message.done) + " rows";
      }
      return false;
    }
    if (message.ok) {
      status.textContent = "Imported.";
      window.location.assign(message.url);
      return true;
    }
    bar.hidden = true;
    var count = message.count || message.errors.length;
    status.textContent = "Not imported: " + number(count) + " error" + (count === 1 ? "" : "s") +
      "; nothing was written.";
    var list = box.querySelector("ul");
    message.errors.forEach(function (text) {
      var item = document.createElement("li");
      item.textContent = text;
      list.appendChild(item);
    });
    return true;
  }

  function follow(form, box) {
    var button = form.querySelector("[type=submit]");
    button.disabled = true;
    box.hidden = false;
    box.querySelector("[role=status]").textContent = "Importing…";
    var ended = false;
    fetch(form.action || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: NDJSON },
      credentials: "same-origin"
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf(NDJSON) !== 0 || !response.body) {
        ended = true;
        form.submit(); // not lines: let the page answer as it would without script
        return;
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function read() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            return;
          }
          buffer += decoder.decode(chunk.value, { stream: true });
          var lines = buffer.split("\n");
          buffer = lines.pop();
          lines.forEach(function (line) {
            if (line.trim() && !ended) {
              ended = show(box, JSON.parse(line));
            }
          });
          return read();
        });
      }
      return read();
    }).catch(function () {
      // The connection broke: said below, unless the import had ended.
    }).then(function () {
      if (!ended) {
        box.querySelector("progress").hidden = true;
        box.querySelector("[role=status]").textContent =
          "The import stopped before it finished: nothing was imported. Try again.";
        button.disabled = false;
      }
    });
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-workbook-import]"), function (form) {
      var box = form.parentNode.querySelector(".workbook-progress");
      if (!box || !window.fetch || !window.TextDecoder || !window.ReadableStream) {
        return;
      }
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        follow(form, box);
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
