// Refreshes a live queue page (a patient's ticket, the waiting-room screen) every
// data-refresh seconds while it is visible; the page works without this too.
(function () {
  var box = document.querySelector("[data-refresh]");
  if (!box) return;
  var every = Math.max(10, parseInt(box.getAttribute("data-refresh"), 10) || 10) * 1000;
  setInterval(function () {
    if (!document.hidden) location.reload();
  }, every);
})();
