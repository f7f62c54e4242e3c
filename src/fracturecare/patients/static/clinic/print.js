// Buttons marked data-action="print" open the browser's print dialog (no inline handlers: the CSP forbids them).
document.addEventListener("click", (event) => {
  const button = event.target.closest('[data-action="print"]');
  if (button) {
    window.print();
  }
});
