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

  function start() { localTimes(); detectTimezone(); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
