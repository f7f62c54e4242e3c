// The visit form, improved when JavaScript runs (it works without: the server checks the same).
// - A ticked red flag holds needling: the needling rows are set aside (disabled, so not sent) and
//   a notice says why; "None of these today" and a red flag cannot both be ticked.
// - The needle count follows the rows as they change (a bilateral point is two needles).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }
  ready(function () {
    var form = document.querySelector("form.soap");
    if (!form) { return; }
    var screen = document.getElementById("rescreen");
    var needling = document.getElementById("needling");
    var notice = document.getElementById("hold-notice");
    var output = document.getElementById("needle-count");
    var clear = form.querySelector("input[name='rescreen_clear']");
    var flags = Array.prototype.slice.call(screen.querySelectorAll("input[type=checkbox][name^='rf_']"));

    function rowInputs() {
      return needling.querySelectorAll("input:not([type=hidden]), select, textarea");
    }
    function applyHold() {
      var held = flags.some(function (f) { return f.checked; });
      Array.prototype.forEach.call(rowInputs(), function (el) { el.disabled = held; });
      needling.classList.toggle("held", held);
      notice.hidden = !held;
      recount();
    }
    function recount() {
      if (!output) { return; }
      var n = 0;
      if (!needling.classList.contains("held")) {
        form.querySelectorAll("input[name^='pt-'][name$='-code']").forEach(function (code) {
          if (!code.value.trim()) { return; }
          var side = form.querySelector("[name='" + code.name.replace(/-code$/, "-laterality") + "']");
          n += side && side.value === "bilateral" ? 2 : 1;
        });
        form.querySelectorAll("select[name^='dn-'][name$='-muscle']").forEach(function (m) {
          if (m.value) { n += 1; }
        });
      }
      output.value = String(n);
      output.textContent = String(n);
    }
    flags.forEach(function (f) {
      f.addEventListener("change", function () {
        if (f.checked && clear) { clear.checked = false; }
        applyHold();
      });
    });
    if (clear) {
      clear.addEventListener("change", function () {
        if (clear.checked) { flags.forEach(function (f) { f.checked = false; }); applyHold(); }
      });
    }
    needling.addEventListener("input", recount);
    needling.addEventListener("change", recount);
    applyHold();
  });
})();
