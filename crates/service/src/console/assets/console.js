// Vitrine console: progressive enhancement only (every page works without
// this script). Served from the binary; the Content-Security-Policy allows
// no other script.
"use strict";

// Countdowns: <time data-until="SECONDS" data-now="SECONDS"> is rendered by
// the server with the time left; keep it current, on the server's clock.
function words(seconds) {
  if (seconds <= 0) return "over";
  const minutes = Math.ceil(seconds / 60);
  if (minutes < 60) return minutes + " min";
  if (minutes < 2880) return Math.floor(minutes / 60) + " h " + (minutes % 60) + " min";
  return Math.floor(minutes / 1440) + " days";
}

const loaded = Date.now();
function tick() {
  for (const el of document.querySelectorAll("time[data-until][data-now]")) {
    const elapsed = (Date.now() - loaded) / 1000;
    const left = Number(el.dataset.until) - Number(el.dataset.now) - elapsed;
    el.textContent = words(left);
  }
}
setInterval(tick, 15000);

// Ask before what cannot be undone (buttons with data-confirm).
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});
