// "Print letter" buttons (no inline handlers: the Content-Security-Policy allows no inline script).
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-print]");
  if (button) { window.print(); }
});
