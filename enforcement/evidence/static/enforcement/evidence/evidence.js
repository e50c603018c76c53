// On a phone: the file input opens the camera or recorder, the clock fills the time and
// the GPS the position (the server keeps whatever the device said, with its accuracy).
(function () {
  const form = document.getElementById("evidence-form");
  if (!form) return;
  form.elements.file.setAttribute("accept", "image/*,audio/*,video/*");
  form.elements.file.addEventListener("change", () => {
    const now = new Date(), pad = (n) => String(n).padStart(2, "0");
    form.elements.taken_at.value = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-` +
      `${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition((p) => {
      form.elements.longitude.value = p.coords.longitude.toFixed(7);
      form.elements.latitude.value = p.coords.latitude.toFixed(7);
      form.elements.accuracy.value = Math.round(p.coords.accuracy);
    }, () => {}, {enableHighAccuracy: true, timeout: 15000});
  });
})();
