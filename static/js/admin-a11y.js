/* The admin's autocomplete pickers (select2) draw a combobox of their own beside the hidden
   select, which names neither itself nor its search box: each is named here by the field's
   label (or the select's own aria-label in a tabular inline), also for pickers drawn later
   (a new inline row). Served as a file: the site allows no inline script. */
(function () {
  "use strict";

  function labelOf(select) {
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label && !label.id) {
      label.id = select.id + "-label";
    }
    var text = label ? label.textContent : select.getAttribute("aria-label") || select.name;
    return { element: label, text: text.replace(/[:?]\s*$/, "").trim() };
  }

  function namePickers() {
    Array.prototype.forEach.call(document.querySelectorAll("select.admin-autocomplete"), function (select) {
      var container = select.nextElementSibling;
      if (!container || !container.classList.contains("select2")) {
        return;
      }
      var label = labelOf(select);
      var combobox = container.querySelector(".select2-selection");
      var rendered = container.querySelector(".select2-selection__rendered");
      if (label.element) {
        var ids = label.element.id + (rendered && rendered.id ? " " + rendered.id : "");
        if (combobox && combobox.getAttribute("aria-labelledby") !== ids) {
          combobox.setAttribute("aria-labelledby", ids);
        }
        if (rendered && rendered.id && rendered.getAttribute("aria-labelledby") !== ids) {
          rendered.setAttribute("aria-labelledby", ids);
        }
      } else {
        if (combobox) {
          combobox.removeAttribute("aria-labelledby");
          combobox.setAttribute("aria-label", label.text);
        }
        if (rendered) {
          rendered.setAttribute("aria-label", label.text);
        }
      }
      Array.prototype.forEach.call(container.querySelectorAll(".select2-search__field"), function (search) {
        search.setAttribute("aria-label", "Search " + label.text);
      });
    });
  }

  var pending = false;
  function soon() {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        namePickers();
      });
    }
  }

  function setUp() {
    namePickers();
    new MutationObserver(soon).observe(document.body, { childList: true, subtree: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
