// Progressive enhancement only: every page works without this file.
"use strict";

(function () {
  // Show <time data-local="datetime"> in the viewer's own time zone.
  function localTimes() {
    var format = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
      timeZoneName: "short"
    });
    document.querySelectorAll("time[data-local='datetime']").forEach(function (el) {
      var when = new Date(el.getAttribute("datetime"));
      if (!isNaN(when.getTime())) {
        el.title = el.textContent;
        el.textContent = format.format(when);
      }
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
