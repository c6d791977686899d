// A purchase's attachment upload (templates/purchases/purchase_detail.html): a progress bar while
// the files travel to the server. The form works without this file (a plain multipart POST), and
// htmx itself disables the Upload button meanwhile (hx-disabled-elt). Delegated from document, so
// it keeps working after the region is swapped.
(function () {
  "use strict";

  function uploadForm(event) {
    var form = event.target;
    return form && form.matches && form.matches("[data-attachment-upload]") ? form : null;
  }

  function setProgress(form, percent) {
    var bar = form.querySelector("[data-upload-progress-bar]");
    var text = form.querySelector("[data-upload-progress-text]");
    if (!bar) { return; }
    bar.setAttribute("aria-valuenow", String(percent));
    // A CSSOM write, which the Content Security Policy allows (a style attribute it would not).
    bar.firstElementChild.style.width = percent + "%";
    if (text) {
      text.textContent = percent < 100 ? "Uploading… " + percent + "%" : "Checking and storing the files…";
    }
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = uploadForm(event);
    if (!form) { return; }
    form.removeAttribute("data-upload-percent");
    var progress = form.querySelector("[data-upload-progress]");
    if (progress) { progress.hidden = false; }
    setProgress(form, 0);
  });

  // htmx reports the upload's progress and then the answer's download under the same name; the
  // bar only moves forward, so the second never sends it back.
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = uploadForm(event);
    if (!form || !event.detail.lengthComputable || !event.detail.total) { return; }
    var percent = Math.min(100, Math.round((event.detail.loaded / event.detail.total) * 100));
    var shown = parseInt(form.getAttribute("data-upload-percent") || "0", 10);
    if (percent <= shown) { return; }
    form.setAttribute("data-upload-percent", String(percent));
    setProgress(form, percent);
  });

  // An answer that replaces the region brings a fresh form; one that does not (a network error,
  // a server error) must not leave the bar standing.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = uploadForm(event);
    if (!form || !form.isConnected) { return; }
    var progress = form.querySelector("[data-upload-progress]");
    if (progress) { progress.hidden = true; }
  });
})();
