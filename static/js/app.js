// Start GOV.UK Frontend's components (service navigation menu, skip link, ...).
// Loaded as a module, so only browsers that can run GOV.UK Frontend's JavaScript get here;
// others keep the plain HTML, which works without JavaScript. The class tells GOV.UK
// Frontend's CSS and isSupported() that its JavaScript runs.
import { initAll } from "../govuk-frontend/govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();

// A printed dashboard is a cabinet paper: every folded section is printed open.
window.addEventListener("beforeprint", () => {
  for (const details of document.querySelectorAll("details")) {
    details.open = true;
  }
});
