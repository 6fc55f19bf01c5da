// The certificate page's buttons (template certificates/web/certificate.html). A static file, not inline script,
// so that the page's Content-Security-Policy forbids inline script; the texts come translated in data-* attributes.
(function () {
  var copy = document.getElementById("copy-link"), status = document.getElementById("copy-status");
  function done(ok) {
    status.textContent = copy.getAttribute(ok ? "data-copied-text" : "data-failed-text");
    copy.setAttribute("data-copied", ok ? "true" : "false");
  }
  function fallback(url) {
    var area = document.createElement("textarea");
    area.value = url; area.setAttribute("readonly", ""); area.style.position = "fixed"; area.style.opacity = "0";
    document.body.appendChild(area); area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    done(ok);
  }
  copy.addEventListener("click", function () {
    var url = copy.getAttribute("data-url");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(function () { done(true); }, function () { fallback(url); });
    } else { fallback(url); }
  });
  document.getElementById("print").addEventListener("click", function () { window.print(); });
})();
