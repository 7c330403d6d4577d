/* The reference's only script of its own (the page's Content-Security-Policy allows no inline script). */
"use strict";

window.addEventListener("DOMContentLoaded", () => {
  SwaggerUIBundle({
    // Beside this page wherever it is hosted; resolved against the page's base, so the API's
    // path prefix (/<project>/us-central1/api locally) is kept.
    url: new URL("openapi.json", document.baseURI).href,
    dom_id: "#reference",
    // Every tag open with its operations listed; no links into the page's fragment.
    docExpansion: "list",
    deepLinking: false,
    defaultModelsExpandDepth: 0,
    // No "Try it out": content routes refuse browser requests (API keys stay on servers).
    supportedSubmitMethods: [],
    // Swagger UI's validator badge would send the document to swagger.io.
    validatorUrl: null,
  });
});
