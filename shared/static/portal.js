/* The portal page's small comforts; everything also works without this file.
 * - ARIA tabs: arrow keys, Home and End move between the line tabs (roving tabindex),
 *   Space activates like Enter.
 * - Bulk download: "select all", the count of selected documents, the button disabled
 *   while nothing is selected.
 * - Focus: after a failed submit to the error summary (or the notice), after a tab switch
 *   (the tab's link ends in #list) to the list, so a screen reader starts where things changed.
 * No inline script anywhere: the CSP forbids it. */
(function () {
  "use strict";

  function setupTabs() {
    var list = document.querySelector("[role=tablist]");
    if (!list) { return; }
    var tabs = Array.prototype.slice.call(list.querySelectorAll("[role=tab]"));
    list.addEventListener("keydown", function (event) {
      var index = tabs.indexOf(document.activeElement);
      if (index < 0) { return; }
      var next = null;
      if (event.key === "ArrowRight") { next = tabs[(index + 1) % tabs.length]; }
      else if (event.key === "ArrowLeft") { next = tabs[(index - 1 + tabs.length) % tabs.length]; }
      else if (event.key === "Home") { next = tabs[0]; }
      else if (event.key === "End") { next = tabs[tabs.length - 1]; }
      else if (event.key === " ") { event.preventDefault(); document.activeElement.click(); return; }
      if (next) {
        event.preventDefault();
        tabs.forEach(function (tab) { tab.setAttribute("tabindex", tab === next ? "0" : "-1"); });
        next.focus();
      }
    });
  }

  function setupBulk() {
    var form = document.getElementById("bulk-form");
    var button = document.getElementById("bulk-submit");
    if (!form || !button) { return; }
    var all = document.getElementById("select-all");
    var count = document.getElementById("selected-count");
    var bar = form.querySelector(".bulk-bar");
    var texts = (document.getElementById("i18n") || { dataset: {} }).dataset;
    // The catalog's two forms; French counts 0 and 1 as singular (its Plural-Forms), the others 1 only.
    var french = document.documentElement.lang === "fr";
    function selectedText(n) {
      var one = french ? n <= 1 : n === 1;
      return ((one ? texts.selectedOne : texts.selectedOther) || "{count}").replace("{count}", String(n));
    }
    var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=ids]"));

    function update() {
      var selected = boxes.filter(function (box) { return box.checked; }).length;
      button.disabled = selected === 0;
      if (bar) { bar.classList.toggle("has-selection", selected > 0); }
      count.textContent = selected ? selectedText(selected) : "";
      if (all) {
        all.checked = selected === boxes.length && selected > 0;
        all.indeterminate = selected > 0 && selected < boxes.length;
      }
    }

    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        boxes.forEach(function (box) { box.checked = all.checked; });
        update();
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", update); });
    update();
  }

  // Type and date filters stay folded on a phone (the first documents fit on the screen),
  // open on a wide screen where there is room.
  function setupFilters() {
    var more = document.getElementById("more-filters");
    if (more && window.matchMedia && window.matchMedia("(min-width: 641px)").matches) { more.open = true; }
  }

  function setupFocus() {
    var target = document.getElementById("error-summary") || document.getElementById("notice");
    if (!target && window.location.hash === "#list") { target = document.getElementById("panel"); }
    if (target) { target.focus({ preventScroll: target.id === "panel" }); }
  }

  document.addEventListener("DOMContentLoaded", function () {
    setupTabs();
    setupBulk();
    setupFilters();
    setupFocus();
  });
})();
