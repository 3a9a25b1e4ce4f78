// Drag and drop onto the upload form, as an addition: the form, its label and its file picker work the same without
// this script (and by the keyboard alone). A dropped file is put into the picker and named in a live region; the
// contributor still sends it with the form's own button. Served by `tertial serve` under its script-src 'self'.
"use strict";

(function () {
  var form = document.getElementById("inlamning");
  var input = document.getElementById("fil");
  var chosen = document.getElementById("fil-vald");
  var help = document.getElementById("fil-hjalp");
  if (!form || !input || !chosen || !help || typeof DataTransfer === "undefined") {
    return;
  }

  form.classList.add("slappbar");
  help.appendChild(document.createTextNode(" Du kan också dra filen hit och släppa den i rutan."));

  function tell(text) {
    chosen.textContent = text;
  }

  function over(event) {
    event.preventDefault();
    form.classList.add("over");
  }

  function away() {
    form.classList.remove("over");
  }

  // A file dropped beside the form would otherwise be opened by the browser, leaving the page.
  window.addEventListener("dragover", function (event) { event.preventDefault(); });
  window.addEventListener("drop", function (event) { event.preventDefault(); });
  form.addEventListener("dragenter", over);
  form.addEventListener("dragover", over);
  form.addEventListener("dragleave", away);
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    away();
    var files = event.dataTransfer ? event.dataTransfer.files : null;
    if (!files || files.length !== 1) {
      tell("Släpp en fil i taget: arbetsboken (.xlsx) eller den zippade CSV-mappen (.zip).");
      return;
    }
    input.files = files;
    tell("Vald fil: " + files[0].name + ". Tryck på Lämna in för att skicka den.");
    form.querySelector("button[type=submit]").focus();
  });
  input.addEventListener("change", function () {
    tell(input.files.length ? "Vald fil: " + input.files[0].name + "." : "");
  });
})();
