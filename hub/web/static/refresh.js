// Live pages: fetch the part that changes every few seconds; 304 when nothing did.
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh]");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-refresh");
  var every = (parseFloat(box.getAttribute("data-every")) || 5) * 1000;
  var etag = null;
  function tick() {
    var headers = { "X-Partial": "1" };
    if (etag) headers["If-None-Match"] = etag;
    fetch(url, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 200) {
          etag = response.headers.get("ETag");
          return response.text().then(function (html) {
            box.innerHTML = html;
            box.removeAttribute("data-stale");
          });
        }
        if (response.status === 304) {
          box.removeAttribute("data-stale");
        } else {
          box.setAttribute("data-stale", "1");
        }
      })
      .catch(function () { box.setAttribute("data-stale", "1"); })
      .then(function () { window.setTimeout(tick, every); });
  }
  window.setTimeout(tick, every);
})();
