// The console's autosave puts each field's errors beside it (an out-of-band swap of the
// field's feedback element) and never redraws the input itself: the person may be typing
// in it. This keeps the input's invalid marking in step with what its feedback now says.
document.addEventListener("htmx:oobAfterSwap", (event) => {
  // The event may name the element that was swapped out: read the one now in the page.
  const swapped = event.detail.target;
  const feedback = swapped && swapped.id ? document.getElementById(swapped.id) : null;
  if (!feedback || !feedback.dataset || !feedback.dataset.field) {
    return;
  }
  const invalid = feedback.querySelector(".invalid-feedback") !== null;
  const input = document.getElementById(feedback.dataset.field);
  if (input) {
    input.classList.toggle("is-invalid", invalid);
    if (invalid) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }
});
