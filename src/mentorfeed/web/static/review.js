// The Review page's keys (progressive enhancement: the page works without this file).
// 1-6 tick a label of the current post, n marks it not an opportunity, c/e/r set its form,
// Enter saves it, j/k go to the next and previous post.
"use strict";

(function () {
  var FORMS = { c: "call", e: "event", r: "resource" };
  var items = [];
  var current = 0;

  function form() { return items[current] && items[current].querySelector("form[data-correct]"); }

  // `focus`: move the keyboard focus there; `scroll`: bring it to the top of the window.
  function select(index, focus, scroll) {
    if (!items.length) { return; }
    current = Math.max(0, Math.min(index, items.length - 1));
    items.forEach(function (item, n) { item.classList.toggle("current", n === current); });
    if (focus) { items[current].focus({ preventScroll: true }); }
    if (scroll) { items[current].scrollIntoView({ block: "start" }); }
  }

  function toggleLabel(n) {
    var boxes = form().querySelectorAll("input[name='label']");
    if (n >= boxes.length) { return; }
    boxes[n].checked = !boxes[n].checked;
    form().querySelector("input[name='not_opportunity']").checked = false;
  }

  function notOpportunity() {
    form().querySelectorAll("input[name='label']").forEach(function (box) { box.checked = false; });
    form().querySelector("input[name='not_opportunity']").checked = true;
  }

  function setForm(name) {
    var choice = form().querySelector("select[name='form']");
    choice.value = name;
    // Choosing a form says it is an opportunity: "not an opportunity" no longer holds.
    form().querySelector("input[name='not_opportunity']").checked = false;
  }

  function typing(target) {
    var tag = target && target.tagName;
    return tag === "TEXTAREA" || tag === "SELECT" ||
      (tag === "INPUT" && !/^(checkbox|radio|submit|button)$/.test(target.type));
  }

  function onKey(event) {
    if (!items.length || event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) {
      return;
    }
    var key = event.key;
    if (key === "Enter") {
      var tag = event.target.tagName;
      if (tag === "A" || tag === "BUTTON" || tag === "SUMMARY") { return; }  // their own Enter
      event.preventDefault();
      var chosen = form();
      if (chosen.requestSubmit) { chosen.requestSubmit(); } else { chosen.submit(); }
    } else if (key >= "1" && key <= "6") {
      toggleLabel(Number(key) - 1);
    } else if (key === "n") {
      notOpportunity();
    } else if (FORMS[key]) {
      setForm(FORMS[key]);
    } else if (key === "j") {
      select(current + 1, true, true);
    } else if (key === "k") {
      select(current - 1, true, true);
    } else {
      return;
    }
    event.preventDefault();
  }

  function start() {
    items = Array.prototype.slice.call(document.querySelectorAll("[data-review]"));
    if (!items.length) { return; }
    var help = document.querySelector("[data-keys-help]");
    if (help) { help.hidden = false; }
    // Clicking or tabbing into a post makes it the one the keys act on.
    items.forEach(function (item, n) {
      item.addEventListener("focusin", function () { select(n, false); });
    });
    var target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    var index = items.indexOf(target);
    // The first post takes the keys at once; the page scrolls only to a post the address
    // names (the one after a post just saved).
    select(index < 0 ? 0 : index, true, index >= 0);
    document.addEventListener("keydown", onKey);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
