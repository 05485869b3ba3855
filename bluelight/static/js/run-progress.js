// Run pages (reports, matching, imports): while a run is working, fetch the page again every few
// seconds and put its new status in place. The status is a polite live region, so screen readers hear
// the change when they are idle; a meta refresh would reload the whole page under the reader's feet.
// Without JavaScript the page offers a "Refresh" link instead.
(function () {
  "use strict";
  var region = document.getElementById("run-status");
  if (!region || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Number(region.getAttribute("data-refresh-seconds"));
  if (!seconds) {
    return;
  }
  var delay = seconds * 1000;

  function schedule() {
    window.setTimeout(refresh, delay);
  }

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("run-status");
        if (!fresh) {
          return;
        }
        if (fresh.innerHTML !== region.innerHTML) {
          region.innerHTML = fresh.innerHTML;
        }
        delay = seconds * 1000;
        if (fresh.getAttribute("data-refresh-seconds")) {
          schedule();
        } else {
          region.removeAttribute("data-refresh-seconds");
          document.title = page.title;
        }
      })
      .catch(function () {
        // The server is restarting or the network dropped: try again, less often, up to a minute apart.
        delay = Math.min(delay * 2, 60000);
        schedule();
      });
  }

  schedule();
})();
