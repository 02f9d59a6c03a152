/* The admin's theme pickers follow the plan picked: a theme select names its plan select
   (data-plan-field) and each theme option its plan (data-plan); the themes of other plans
   are hidden, and a theme of another plan left picked is cleared. With no plan picked, every
   theme shows. Served as a file: the site's content security policy allows no inline script. */
(function () {
  "use strict";

  function follow(themeSelect, planSelect) {
    var plan = planSelect.value;
    Array.prototype.forEach.call(themeSelect.querySelectorAll("option[data-plan]"), function (option) {
      var other = plan !== "" && option.getAttribute("data-plan") !== plan;
      option.hidden = other;
      option.disabled = other;
      if (other && option.selected) {
        option.selected = false;
      }
    });
    Array.prototype.forEach.call(themeSelect.querySelectorAll("optgroup"), function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
  }

  function setUp() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-plan-field]"), function (themeSelect) {
      var planSelect = document.getElementById(themeSelect.getAttribute("data-plan-field"));
      if (!planSelect) {
        return;
      }
      var update = function () { follow(themeSelect, planSelect); };
      planSelect.addEventListener("change", update);
      // The admin's autocomplete (select2) announces a pick through jQuery only.
      if (window.django && window.django.jQuery) {
        window.django.jQuery(planSelect).on("change", update);
      }
      update();
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
