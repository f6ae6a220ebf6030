// Shows the progress bar of a long form (the address-book sync) and asks
// before a form marked data-confirm is sent.
document.addEventListener("submit", function (e) {
  var f = e.target;
  if (f.dataset.confirm && !window.confirm(f.dataset.confirm)) { e.preventDefault(); return; }
  var p = f.querySelector(".progress");
  if (p) { p.classList.remove("hidden"); }
  var b = f.querySelector("button");
  if (b && f.dataset.busy) { b.disabled = true; b.textContent = f.dataset.busy; }
});
