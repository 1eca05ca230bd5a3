/* Learner pages, progressive enhancement: lesson audio and data-saver images download only
   when tapped, and play or show in place. Without this script the same links open the file. */
(function () {
  "use strict";
  if (!Element.prototype.closest) return;

  function showImage(link) {
    var img = document.createElement("img");
    img.src = link.href;
    img.alt = link.title || "";
    img.tabIndex = -1; // keep the reader's place: focus moves to the image that replaced the link
    link.parentNode.replaceChild(img, link);
    img.focus();
  }

  function play(link) {
    var player = link.nextElementSibling;
    if (!player || player.tagName !== "AUDIO") {
      player = document.createElement("audio");
      player.controls = true;
      player.preload = "none";
      player.src = link.href;
      link.parentNode.insertBefore(player, link.nextSibling);
    }
    var all = document.querySelectorAll("audio");
    for (var i = 0; i < all.length; i++) if (all[i] !== player) all[i].pause();
    var started = player.play();
    if (started && started.catch) started.catch(function () {});
  }

  document.addEventListener("click", function (event) {
    if (event.button || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var link = event.target.closest("a[data-audio], a.ph");
    if (!link) return;
    event.preventDefault();
    if (link.hasAttribute("data-audio")) play(link);
    else showImage(link);
  });
})();
