// Signature pad (手写签名): pointer events cover mouse, pen and touch on a tablet; the
// drawing is posted as a PNG file (checked on the server like every upload).
(function () {
  const canvas = document.getElementById("signature-pad");
  if (!canvas) return;
  const pen = canvas.getContext("2d");
  pen.lineWidth = 4; pen.lineCap = "round"; pen.lineJoin = "round"; pen.strokeStyle = "#000";
  let drawing = false, drawn = false;
  const at = (e) => {
    const box = canvas.getBoundingClientRect();
    return [(e.clientX - box.left) * canvas.width / box.width,
            (e.clientY - box.top) * canvas.height / box.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    drawing = true; canvas.setPointerCapture(e.pointerId);
    pen.beginPath(); pen.moveTo(...at(e));
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    pen.lineTo(...at(e)); pen.stroke(); drawn = true;
  });
  const stop = () => { drawing = false; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);
  document.getElementById("signature-clear").addEventListener("click", () => {
    pen.clearRect(0, 0, canvas.width, canvas.height); drawn = false;
  });
  const error = document.getElementById("signature-error");
  document.getElementById("signature-save").addEventListener("click", () => {
    if (!drawn) { error.textContent = document.getElementById("signature-empty").textContent; return; }
    canvas.toBlob((blob) => {
      const form = new FormData();
      form.append("image", blob, "signature.png");
      fetch(canvas.dataset.post, {
        method: "POST", body: form, credentials: "same-origin",
        headers: {"X-CSRFToken": document.getElementById("signature-csrf").value},
      }).then((r) => r.json()).then((answer) => {
        if (answer.next) window.location.assign(answer.next);
        else error.textContent = answer.error;
      }).catch((e) => { error.textContent = String(e); });
    }, "image/png");
  });
})();
