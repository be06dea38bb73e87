// The page's only script. Without it the form is a plain HTML form and works as one; with it,
// a file can be dropped on the box, and a bar shows the upload's progress, then the analysis.
(function () {
  "use strict";
  var form = document.getElementById("upload");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var drop = document.getElementById("drop");
  var input = document.getElementById("workbook");
  var box = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");

  ["dragenter", "dragover"].forEach(function (name) {
    drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (name) {
    drop.addEventListener(name, function () { drop.classList.remove("over"); });
  });
  drop.addEventListener("drop", function (e) {
    e.preventDefault();
    if (e.dataTransfer && e.dataTransfer.files.length) {
      input.files = e.dataTransfer.files;
      text.textContent = "Ready: " + input.files[0].name;
      box.hidden = false;
    }
  });

  form.addEventListener("submit", function (e) {
    if (!input.files || !input.files.length) { return; }
    e.preventDefault();
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    box.hidden = false;
    bar.value = 0;
    text.textContent = "Uploading " + input.files[0].name + "…";
    xhr.upload.addEventListener("progress", function (ev) {
      if (ev.lengthComputable) { bar.value = Math.round(100 * ev.loaded / ev.total); }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      text.textContent = "Analysing the workbook… a large one can take a minute.";
    });
    xhr.addEventListener("load", function () {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var main = doc.getElementById("main");
      var here = document.getElementById("main");
      if (!main || !here) { document.body.textContent = "The answer could not be shown: reload the page."; return; }
      here.innerHTML = main.innerHTML;
      if (main.dataset.status) { here.dataset.status = main.dataset.status; }
      document.title = doc.title;
      window.history.pushState({}, "", "/report");
      var summary = here.querySelector(".error-summary");
      (summary || here).focus();
    });
    xhr.addEventListener("error", function () {
      text.textContent = "The upload did not reach the server (it may be larger than the page takes). Try again.";
    });
    xhr.send(new FormData(form));
  });
  window.addEventListener("popstate", function () { window.location.href = "/"; });
}());
