// Start GOV.UK Frontend's components (service navigation menu, skip link, ...).
// Loaded as a module, so browsers too old for GOV.UK Frontend's JavaScript never run it and
// get the plain HTML, which works without JavaScript.
import { initAll, isSupported } from "../govuk-frontend/govuk-frontend.min.js";

if (isSupported()) {
  document.body.classList.add("govuk-frontend-supported");
  initAll();
}
