// The live pages (a participant's page, the room view, the console's live panel) poll with
// a conditional GET: each poll sends the ETag of what the element shows, and the server
// answers 304, which htmx leaves unswapped (see htmx-config in base.html), while nothing
// has changed. An element opts in with data-live; its data-etag is drawn by the server and
// kept up to date from each answer's ETag header.
document.addEventListener("htmx:configRequest", (event) => {
  const element = event.detail.elt;
  if (element && element.hasAttribute && element.hasAttribute("data-live") && element.dataset.etag) {
    event.detail.headers["If-None-Match"] = element.dataset.etag;
  }
});

// A poll whose element was replaced while it was in flight (the participant pressed
// "ready", which redraws the status) answers for a part of the page that is gone: drop it,
// the new element polls afresh. Swapped, its out-of-band parts would look for their targets
// in the detached element and find none.
document.addEventListener("htmx:beforeSwap", (event) => {
  const element = event.detail.elt;
  if (element && element.hasAttribute && element.hasAttribute("data-live") && !element.isConnected) {
    event.detail.shouldSwap = false;
  }
});

document.addEventListener("htmx:afterRequest", (event) => {
  const element = event.detail.elt;
  const xhr = event.detail.xhr;
  if (!element || !xhr || !element.hasAttribute || !element.hasAttribute("data-live")) {
    return;
  }
  const etag = xhr.getResponseHeader("ETag");
  if (etag && element.isConnected) {
    element.dataset.etag = etag;
  }
});

// --- the phase clock (templates/workshops/room/clock.html) ---------------------------------
// A [data-clock] element carries the seconds left in the phase when it was drawn
// (data-remaining, negative once over) and whether the clock runs. Every second, each running
// clock counts down from the moment it appeared, so that screens show the time passing while
// their polls answer 304; an element swapped in by htmx starts again from its own figure.
(() => {
  const seen = new WeakMap();

  const format = (remaining) => {
    if (remaining >= 0) {
      const seconds = Math.ceil(remaining);
      const minutes = Math.floor(seconds / 60);
      return `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
    }
    const seconds = Math.floor(-remaining);
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")} over`;
  };

  const tick = () => {
    const now = performance.now();
    document.querySelectorAll("[data-clock]").forEach((element) => {
      const drawn = Number.parseFloat(element.dataset.remaining);
      if (Number.isNaN(drawn)) {
        return;
      }
      if (!seen.has(element)) {
        seen.set(element, now);
      }
      const running = element.dataset.running === "true";
      const remaining = running ? drawn - (now - seen.get(element)) / 1000 : drawn;
      const text = format(remaining);
      if (element.textContent !== text) {
        element.textContent = text;
      }
      const box = element.closest(".room-clock");
      if (box) {
        box.classList.toggle("room-clock-over", remaining < 0);
      }
    });
  };

  document.addEventListener("DOMContentLoaded", tick);
  document.addEventListener("htmx:afterSettle", tick);
  window.setInterval(tick, 1000);
})();
