// Progressive enhancement only: every page works without this file.
"use strict";

(function () {
  // Without a saved profile the server writes times in UTC; show them in the viewer's own
  // zone, in the pages' one format: "14 Oct 2025, 21:00 EDT" (data-local="datetime") or
  // "14 Oct 2025" (data-local="date").
  function localTimes() {
    var format = new Intl.DateTimeFormat("en-US", {
      year: "numeric", month: "short", day: "2-digit", hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZoneName: "short"
    });
    function parts(when) {
      var found = {};
      format.formatToParts(when).forEach(function (p) { found[p.type] = p.value; });
      return found;
    }
    document.querySelectorAll("time[data-local]").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (isNaN(when.getTime())) { return; }
      var p = parts(when);
      var day = p.day + " " + p.month + " " + p.year;
      el.title = el.textContent;
      el.textContent = el.getAttribute("data-local") === "date" ? day :
        day + ", " + p.hour + ":" + p.minute + " " + p.timeZoneName;
    });
  }

  // A time-zone field with data-detect-timezone offers the browser's zone when empty.
  function detectTimezone() {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
      if (!input.value && zone) { input.placeholder = zone + " (detected)"; input.value = zone; }
    });
  }

  // Save without leaving the place on the page: POST the form in the background and put the
  // "Saved" mark where the button was. Without this script (or if the request fails) the form
  // posts as usual and the redirect comes back to the card's anchor.
  function savesInPlace() {
    document.addEventListener("submit", function (event) {
      var form = event.target;
      if (!(form instanceof HTMLFormElement) || !form.classList.contains("save-form") ||
          !window.fetch || form.dataset.sending) { return; }
      event.preventDefault();
      form.dataset.sending = "1";
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          var mark = document.createElement("span");
          mark.className = "saved-mark";
          mark.setAttribute("role", "status");
          mark.appendChild(document.createTextNode("Saved · "));
          var link = document.createElement("a");
          link.href = "/me#saved";
          link.textContent = "Track it under Me";
          mark.appendChild(link);
          form.replaceWith(mark);
        })
        .catch(function () { form.submit(); });
    });
  }

  function start() { localTimes(); detectTimezone(); }
  savesInPlace();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
