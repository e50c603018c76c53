/* Site-wide behaviour, from a file rather than inline handlers (the Content-Security-Policy
   runs no inline script without the page's nonce). */
document.querySelectorAll("form.lang select").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
