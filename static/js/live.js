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
